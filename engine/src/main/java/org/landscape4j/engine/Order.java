package org.landscape4j.engine;

/** The order in which grid points are computed (each point still carries its own grid index). */
public enum Order {
    /** Row by row, x fastest: {@code index = iy * nx + ix}. */
    RASTER,
    /**
     * Every 8th point of each axis first, then every 4th, 2nd and the rest: the whole picture appears early and
     * sharpens.
     */
    COARSE_TO_FINE,
    /** Outwards from the centre of the grid, ring by ring: the region around the trained model comes first. */
    SPIRAL
}

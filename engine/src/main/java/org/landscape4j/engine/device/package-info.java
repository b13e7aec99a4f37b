/**
 * Not API for users: the service interface a device back end implements (the GPU: module {@code landscape4j-cuda}),
 * public only because that module lives outside the engine, and free to change in any release.
 *
 * <p>The engine finds a {@link org.landscape4j.engine.device.DeviceBackend} through {@link java.util.ServiceLoader}
 * when a landscape asks for a device ({@code Backend.CUDA}), so arrows stay one way: {@code cuda → engine}. The
 * engine asks it, in this order and before any work: whether it can run on this machine
 * ({@link org.landscape4j.engine.device.DeviceBackend#unavailableReason()}), then to compile the network read once
 * ({@link org.landscape4j.engine.device.DeviceBackend#compile}), which refuses by name what it does not run. Each
 * worker of a stream then owns one {@link org.landscape4j.engine.device.DeviceWorker}, closed after its last point.
 *
 * <p>Dependencies point one way: this package uses {@code engine.graph}, {@code engine.parameters} and
 * {@code engine.internal} ({@code Batch}); only the engine's API package uses it (docs/ARCHITECTURE.md).
 */
package org.landscape4j.engine.device;

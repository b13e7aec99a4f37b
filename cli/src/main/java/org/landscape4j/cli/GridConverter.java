package org.landscape4j.cli;

import org.landscape4j.engine.Axis;

import picocli.CommandLine;

/**
 * Parses {@code min:max:points}, e.g. {@code -1:1:51}, into an {@link Axis}: registered once for every {@code Axis}
 * option by {@link LandscapeCommand#execute}.
 */
final class GridConverter implements CommandLine.ITypeConverter<Axis> {

    @Override
    public Axis convert(String value) {
        String[] parts = value.split(":");
        if (parts.length != 3) {
            throw new CommandLine.TypeConversionException("expected min:max:points, e.g. -1:1:51, was '" + value + "'");
        }
        try {
            return Axis.linear(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]),
                    Integer.parseInt(parts[2]));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("expected min:max:points with numbers, e.g. -1:1:51, was '"
                    + value + "'");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}

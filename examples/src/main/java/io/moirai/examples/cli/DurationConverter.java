package io.moirai.examples.cli;

import java.time.Duration;
import picocli.CommandLine;

/**
 * Reads a duration option as {@link Durations#parse} does ({@code 250ms}, {@code 2s}, {@code 1m30s},
 * {@code PT0.5S}). Zero and negative values are refused, and so are values over {@link #MAX} (which no
 * command needs, and whose nanoseconds could overflow the arithmetic of deadlines), with a message
 * naming the value. Stateless; any thread.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    /** The longest duration accepted: 100,000 hours (over 11 years). */
    static final Duration MAX = Duration.ofHours(100_000);

    @Override
    public Duration convert(String value) {
        Duration d;
        try {
            d = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
        if (d.isZero() || d.isNegative()) {
            throw new CommandLine.TypeConversionException("must be positive, got '" + value + "'");
        }
        if (d.compareTo(MAX) > 0) {
            throw new CommandLine.TypeConversionException("must be at most " + Durations.format(MAX) + ", got '" + value + "'");
        }
        return d;
    }
}

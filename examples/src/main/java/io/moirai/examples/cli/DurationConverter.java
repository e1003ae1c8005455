package io.moirai.examples.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Parses durations written as people write them on a command line: {@code 250ms}, {@code 2s},
 * {@code 1m}, {@code 1h}, or ISO-8601 ({@code PT0.5S}). Zero and negative values are refused, and so
 * are values over {@link #MAX} (which no command needs, and whose nanoseconds would overflow the
 * arithmetic of deadlines), with a message naming the value. Stateless; any thread.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    /** The longest duration accepted: 100,000 hours (over 11 years). */
    static final Duration MAX = Duration.ofHours(100_000);

    @Override
    public Duration convert(String value) {
        Duration d = parse(value.trim().toLowerCase(Locale.ROOT));
        if (d.isZero() || d.isNegative()) {
            throw new CommandLine.TypeConversionException("must be positive, got '" + value + "'");
        }
        if (d.compareTo(MAX) > 0) {
            throw new CommandLine.TypeConversionException("must be at most 100,000h, got '" + value + "'");
        }
        return d;
    }

    private static Duration parse(String v) {
        try {
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("us")) {
                return Duration.ofNanos(Long.parseLong(v.substring(0, v.length() - 2)) * 1_000L);
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException | ArithmeticException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + v + "' is not a duration (examples: 250ms, 2s, 1m, PT0.5S)");
        }
    }
}

package io.moirai.examples.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as people write them on a command line, both ways: {@link #parse} reads
 * {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 1m30s}, {@code 1h}, {@code 100us}, {@code 10ns} (a
 * leading {@code -} negates) and ISO-8601 ({@code PT0.5S}); {@link #format} writes the shortest such form ({@code 2s}, {@code 1m30s},
 * {@code 500ms}, {@code 1h0.5s}), which {@link #parse} reads back to the same duration. Stateless; any thread.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|us|µs|ns|s)");
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    private Durations() {}

    /**
     * @param text what the user wrote
     * @return the duration
     * @throws IllegalArgumentException if {@code text} is not a duration (the message gives examples)
     */
    public static Duration parse(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p") || v.startsWith("-p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            boolean negative = v.startsWith("-");
            Matcher m = PART.matcher(v);
            BigDecimal nanos = BigDecimal.ZERO;
            int start = negative ? 1 : 0;
            int at = start;
            while (at < v.length() && m.find(at) && m.start() == at) {
                nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
                at = m.end();
            }
            if (at == start || at != v.length()) {
                throw new NumberFormatException();
            }
            BigDecimal[] parts = nanos.setScale(0, RoundingMode.DOWN).divideAndRemainder(NANOS_PER_SECOND);
            Duration d = Duration.ofSeconds(parts[0].longValueExact(), parts[1].longValueExact());
            return negative ? d.negated() : d;
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "'" + text.trim() + "' is not a duration (examples: 250ms, 2s, 1.5s, 1m30s, 1h, PT0.5S)");
        }
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "h" -> 3_600_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "s" -> 1_000_000_000L;
            case "ms" -> 1_000_000L;
            case "us", "µs" -> 1_000L;
            default -> 1L; // ns
        };
    }

    /**
     * @param d a duration
     * @return it as people write it: {@code 2s}, {@code 1m30s}, {@code 500ms}, {@code 1.5ms},
     *     {@code 250us}, {@code 1h}, {@code 0s}; hours are not grouped, so the text parses back
     */
    public static String format(Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        long seconds = d.getSeconds();
        int nanos = d.getNano();
        if (seconds == 0) {
            if (nanos == 0) {
                return "0s";
            }
            if (nanos >= 1_000_000) {
                return decimal(nanos, 6) + "ms";
            }
            return nanos >= 1_000 ? decimal(nanos, 3) + "us" : nanos + "ns";
        }
        StringBuilder b = new StringBuilder();
        long hours = seconds / 3_600;
        long minutes = seconds / 60 % 60;
        long secs = seconds % 60;
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (minutes > 0) {
            b.append(minutes).append('m');
        }
        if (secs > 0 || nanos > 0) {
            b.append(decimal(secs * 1_000_000_000L + nanos, 9)).append('s');
        }
        return b.toString();
    }

    private static String decimal(long units, int scale) {
        return BigDecimal.valueOf(units, scale).stripTrailingZeros().toPlainString();
    }
}

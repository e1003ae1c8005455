package io.moirai.examples.cli;

import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The commands' whole-number options, each checked against its range while the command line is
 * parsed, so that a bad value is a usage error (exit 2) naming the flag, before anything starts.
 * Digits may be grouped with {@code _} or {@code ,} ({@code 1_000_000}, {@code 1,000,000}), as the
 * commands print them. Each nested class is a picocli converter for one range; stateless, any thread.
 */
public final class Bounded {

    /** The most threads of one kind a runtime takes (the range of {@code Moirai.Builder.workerThreads}). */
    static final int MAX_THREADS = 32_767;

    /** The most mapper calls in flight {@code pipeline} accepts (its window grows with it). */
    static final int MAX_PARALLELISM = 10_000;

    private static final Pattern DIGITS = Pattern.compile("[+-]?\\d+(_\\d+)*");
    private static final Pattern COMMA_GROUPED = Pattern.compile("[+-]?\\d{1,3}(,\\d{3})+");

    private Bounded() {}

    /**
     * Parses a whole number and checks it against {@code [min, max]}.
     *
     * @param value what the user wrote
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @return the number
     * @throws TypeConversionException if it is not a whole number or out of range (the message says which)
     */
    static long parse(String value, long min, long max) {
        String v = value.trim();
        if (!DIGITS.matcher(v).matches() && !COMMA_GROUPED.matcher(v).matches()) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
        boolean tooSmall;
        try {
            long n = Long.parseLong(v.replace("_", "").replace(",", ""));
            if (n >= min && n <= max) {
                return n;
            }
            tooSmall = n < min;
        } catch (NumberFormatException beyondLong) {
            tooSmall = v.startsWith("-");
        }
        String range;
        if (max != Integer.MAX_VALUE && max != Long.MAX_VALUE) {
            range = String.format(Locale.US, "must be between %,d and %,d", min, max);
        } else if (tooSmall) {
            range = String.format(Locale.US, "must be at least %,d", min);
        } else {
            range = String.format(Locale.US, "must be at most %,d", max);
        }
        throw new TypeConversionException(range + ", got " + v);
    }

    /** A TCP port, 0 to 65535 (0: any free port). */
    public static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            String v = value.trim();
            if (!v.matches("\\d+")) {
                throw new TypeConversionException("'" + value + "' is not a port number");
            }
            if (v.length() > 5 || Integer.parseInt(v) > 65_535) {
                throw new TypeConversionException("must be between 0 and 65535, got " + v);
            }
            return Integer.parseInt(v);
        }
    }

    /** A number of runtime threads, 1 to {@value #MAX_THREADS}. */
    public static final class Threads implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) parse(value, 1, MAX_THREADS);
        }
    }

    /** A number of mapper calls in flight, 1 to {@value #MAX_PARALLELISM}. */
    public static final class Parallelism implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) parse(value, 1, MAX_PARALLELISM);
        }
    }

    /** An {@code int} of at least 1. */
    public static final class PositiveInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) parse(value, 1, Integer.MAX_VALUE);
        }
    }

    /** An {@code int} of at least 0. */
    public static final class NonNegativeInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) parse(value, 0, Integer.MAX_VALUE);
        }
    }

    /** A {@code long} of at least 1. */
    public static final class PositiveLong implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return parse(value, 1, Long.MAX_VALUE);
        }
    }

    /** A {@code long} of at least 0. */
    public static final class NonNegativeLong implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return parse(value, 0, Long.MAX_VALUE);
        }
    }
}

package io.moirai.internal.time;

/**
 * The timer wheel's unit of time: 2<sup>20</sup> ns (about 1.05 ms) of {@link System#nanoTime()}, so
 * that converting is a shift. Deadlines round up and the clock rounds down, which is what keeps a timer
 * from ever firing early. Ticks count from {@link #ORIGIN}, a {@code nanoTime} reading taken when this
 * class initializes, so they are small non-negative numbers whatever the JVM's {@code nanoTime} origin;
 * {@link #deadlineNanos(long, long)} saturates so that no deadline overflows.
 *
 * <p>Threads: stateless, any thread.
 */
public final class Ticks {

    /** log2 of a tick's length in nanoseconds. */
    public static final int SHIFT = 20;
    /** A tick's length in nanoseconds. */
    public static final long NANOS = 1L << SHIFT;
    /** Tick 0 starts here. */
    private static final long ORIGIN = System.nanoTime();
    /** Delays beyond this (about 73 years) are treated as this: far enough never to matter. */
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE >>> 2;

    private Ticks() {}

    /**
     * @param nanos a deadline on the {@code nanoTime} scale
     * @return the first tick that starts at or after it
     */
    public static long ceil(long nanos) {
        return (nanos - ORIGIN + NANOS - 1) >> SHIFT;
    }

    /**
     * The current tick. Reads the clock after this class initialized, so it is never before
     * {@link #ORIGIN} (a reading taken by the caller before initialization could be).
     *
     * @return the tick {@code System.nanoTime()} falls in now
     */
    public static long now() {
        return floor(System.nanoTime());
    }

    /**
     * @param nanos a {@code nanoTime} reading
     * @return the tick it falls in
     */
    public static long floor(long nanos) {
        return (nanos - ORIGIN) >> SHIFT;
    }

    /**
     * @param tick a tick
     * @return the {@code nanoTime} at which it starts
     */
    public static long startNanos(long tick) {
        return (tick << SHIFT) + ORIGIN;
    }

    /**
     * @param now a {@code nanoTime} reading
     * @param delayNanos a non-negative delay
     * @return {@code now + delayNanos}, with the delay capped so that the sum cannot overflow
     */
    public static long deadlineNanos(long now, long delayNanos) {
        return now + Math.min(delayNanos, MAX_DELAY_NANOS);
    }
}

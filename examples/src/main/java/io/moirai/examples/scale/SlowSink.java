package io.moirai.examples.scale;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A deliberately slow consumer: {@link #pace()} holds its caller so that records are taken at most
 * one per {@code delay} on average, parking rather than spinning (so it costs no CPU). Short delays
 * are kept on average: a park is taken only once at least {@value #MIN_PARK_MICROS} µs are owed,
 * and a sink that fell behind (its source was slower) catches up by at most one millisecond's
 * worth, so it never runs faster than its pace for long.
 *
 * <p>Not thread-safe: one consuming thread.
 */
final class SlowSink {

    static final long MIN_PARK_MICROS = 100;

    private static final long MIN_PARK = MIN_PARK_MICROS * 1_000L;
    private static final long CATCH_UP = 1_000_000L;

    private final long delayNanos;
    private long due;

    /** @param delay the time per record */
    SlowSink(Duration delay) {
        this.delayNanos = delay.toNanos();
        this.due = System.nanoTime();
    }

    /** Takes one record's time: returns when the sink may take the next. */
    void pace() {
        long now = System.nanoTime();
        due = Math.max(due, now - CATCH_UP) + delayNanos;
        long wait;
        while ((wait = due - now) >= MIN_PARK) {
            LockSupport.parkNanos(wait);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            now = System.nanoTime();
        }
    }

    /** @return records per second at this pace */
    double recordsPerSecond() {
        return 1e9 / delayNanos;
    }
}

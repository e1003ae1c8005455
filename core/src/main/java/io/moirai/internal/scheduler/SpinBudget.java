package io.moirai.internal.scheduler;

/**
 * How long an idle worker searches (spins) for work before it parks: adaptive, between
 * {@link #MIN_NANOS} and {@link #MAX_NANOS}.
 *
 * <p><b>Why adapt.</b> Waking a parked thread costs the waker a system call and the woken thread the
 * time its CPU takes to come back (on a virtual machine, tens of microseconds). When work arrives in
 * short gaps (a request/response loop whose caller parks while it waits, as Reactor's {@code block()}
 * and RxJava's {@code blockingGet()} do) a worker that spins a little longer than the gap takes the
 * next job without being woken, which halves the wake-ups per round trip. When gaps are long, spinning
 * only burns CPU. So the window doubles each time a worker was woken soon after it parked (the gap was
 * short: spinning longer would have caught it), and falls back to the minimum once a park lasted long.
 *
 * <p><b>Only on a quiet runtime.</b> The worker spins for the wide window only while every other
 * worker is parked: when another one is busy, this spin would compete for a core with it or with the
 * thread feeding it (on two cores, a producer, a consumer and a spinning searcher are one thread too
 * many), so it spins the minimum.
 *
 * <p><b>Cost bound.</b> A worker spins at most {@link #MAX_NANOS} per idle period, and at most half the
 * workers search at once ({@link Idle}); an idle runtime parks every worker after one window and uses
 * no CPU. With {@code moirai.searchSpinNanos=0} (the stress tests) workers never spin.
 *
 * <p>Threads: owner worker only (plain fields).
 */
final class SpinBudget {

    /** The window after a long park, and the least one. */
    static final long MIN_NANOS = Long.getLong("moirai.searchSpinNanos", 5_000L);
    /** The widest window. */
    static final long MAX_NANOS = MIN_NANOS <= 0L ? 0L
            : Math.max(MIN_NANOS, Long.getLong("moirai.searchSpinMaxNanos", 50_000L));
    /** A park shorter than this means work came back soon: widen the window. */
    static final long SHORT_PARK_NANOS = 4 * MAX_NANOS;

    private long window = MIN_NANOS;
    private long parkedAt;

    /**
     * @param alone whether every other worker is parked (see "Only on a quiet runtime")
     * @return how long the current search may spin, in nanoseconds
     */
    long window(boolean alone) {
        return alone ? window : MIN_NANOS;
    }

    /** The worker is about to park. */
    void parking() {
        parkedAt = System.nanoTime();
    }

    /** The worker was woken: adapt the window to how long it slept. */
    void woken() {
        adapt(System.nanoTime() - parkedAt);
    }

    /** @param sleptNanos how long the last park lasted: short widens the window, long resets it */
    void adapt(long sleptNanos) {
        if (sleptNanos < SHORT_PARK_NANOS) {
            window = Math.min(MAX_NANOS, window << 1);
        } else {
            window = MIN_NANOS;
        }
    }
}

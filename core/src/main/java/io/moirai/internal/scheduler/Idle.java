package io.moirai.internal.scheduler;

import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Who is searching, who is parked: the compute workers' idle coordination.
 *
 * <p><b>State.</b> One {@code int} packs the number of searching workers (low 16 bits) and of
 * unparked workers (high 16 bits). Sleepers (parked workers) sit on a stack guarded by {@code lock};
 * parking and waking are slow paths, the hot paths only read or CAS {@code state}.
 *
 * <p><b>No lost wake-up.</b> A producer publishes work, then ({@link #workerToNotify}) issues a full
 * fence and reads {@code state}: it wakes a sleeper only when nobody is searching and someone is
 * parked. Every worker that parks decrements {@code state} (a full barrier) and then looks at every
 * queue once more (the caller does that), the last searcher and a worker that was refused the
 * search alike: so either the producer reads {@code state} after the transition and wakes a sleeper,
 * or the parking worker sees the work. (Re-checking only for the last searcher loses a wake-up: a
 * worker refused the search is still counted unparked while it heads for the stack, and a producer
 * then takes it for a busy worker.) At most half the workers search at once; a woken worker starts as
 * a searcher, counted by the one who woke it.
 *
 * <p>Threads: any thread may call {@link #workerToNotify}; the other methods are called by workers
 * about themselves, and {@link #wakeAll} by shutdown.
 */
final class Idle {

    private static final int SEARCHING_MASK = 0xFFFF;
    private static final int UNPARKED_ONE = 1 << 16;

    private static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), "state", int.class);

    private final int workers;
    private final Object lock = new Object();
    private final Worker[] sleepers;
    private int sleeperCount; // guarded by lock
    private volatile int parked; // == sleeperCount, for metrics
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    Idle(int workers) {
        this.workers = workers;
        this.sleepers = new Worker[workers];
        this.state = workers * UNPARKED_ONE;
    }

    /** A worker asks to become a searcher; refused when half the workers already search. */
    boolean tryStartSearching() {
        for (;;) {
            int s = state;
            if (2 * (s & SEARCHING_MASK) >= workers) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                return true;
            }
        }
    }

    /**
     * A searcher found work (full barrier).
     *
     * @return {@code true} if it was the last searcher
     */
    boolean stopSearching() {
        int prev = (int) STATE.getAndAdd(this, -1);
        return (prev & SEARCHING_MASK) == 1;
    }

    /**
     * Any thread that just published work: picks a parked worker to wake, or none if a worker is
     * searching already or nobody is parked. The chosen worker is counted as unparked and searching.
     *
     * @return the worker to unpark, or null
     */
    Worker workerToNotify() {
        VarHandle.fullFence();
        if (!shouldWake(state)) {
            return null;
        }
        synchronized (lock) {
            if (!shouldWake(state) || sleeperCount == 0) {
                return null;
            }
            STATE.getAndAdd(this, UNPARKED_ONE + 1);
            Worker w = sleepers[--sleeperCount];
            sleepers[sleeperCount] = null;
            parked = sleeperCount;
            w.sleeping = false;
            return w;
        }
    }

    private boolean shouldWake(int s) {
        return (s & SEARCHING_MASK) == 0 && (s >>> 16) < workers;
    }

    /**
     * A worker with nothing to do parks itself: counted as parked (a full barrier), pushed on the
     * sleeper stack. The caller must then look at every queue once more (see the class comment).
     */
    void transitionToParked(Worker w, boolean searching) {
        synchronized (lock) {
            STATE.getAndAdd(this, -(UNPARKED_ONE + (searching ? 1 : 0)));
            w.sleeping = true;
            sleepers[sleeperCount++] = w;
            parked = sleeperCount;
        }
    }

    /** Shutdown: wakes every parked worker (each counted as a searcher, as a notified one is). */
    void wakeAll() {
        Worker[] woken;
        synchronized (lock) {
            woken = new Worker[sleeperCount];
            for (int i = 0; i < sleeperCount; i++) {
                woken[i] = sleepers[i];
                sleepers[i] = null;
                woken[i].sleeping = false;
                STATE.getAndAdd(this, UNPARKED_ONE + 1); // woken workers start as searchers
            }
            sleeperCount = 0;
            parked = 0;
        }
        for (Worker w : woken) {
            w.unpark();
        }
    }

    /** @return the number of workers not parked, the caller included if it is a worker (a snapshot) */
    int unparked() {
        return state >>> 16;
    }

    /** @return the number of parked workers (a snapshot) */
    int parked() {
        return parked;
    }
}

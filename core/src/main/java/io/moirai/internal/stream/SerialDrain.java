package io.moirai.internal.stream;

import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.runtime.RuntimeCore;
import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.scheduler.OneShotJob;
import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;

/**
 * The one drain loop of a stream publisher, run on the compute workers, one turn at a time: whoever
 * changes the stream's state (a producer, a {@code request}, a {@code cancel}, a finished mapper)
 * calls {@link #signal()}, and a drain is guaranteed to run after that call and see the change.
 * Signals to the subscriber therefore come from one thread at a time (§1.3) and never recurse:
 * a {@code request} made inside {@code onNext} only marks the drain as wanted again (§3.3).
 *
 * <p><b>Protocol</b> ({@code scheduled}: 0 idle, 1 a drain is queued or running). {@code signal}:
 * the caller has published its change with a volatile write or a CAS (callers must: that orders the
 * change before the read below, as the Java memory model orders volatile accesses); then, if
 * {@code scheduled} is 0 and the caller's CAS takes it to 1, the caller submits a drain job. The
 * drain, when {@link #drain(int)} reports that nothing more can be done, first polls
 * {@link #hasWork()} for up to {@value #SPIN_NANOS_DEFAULT} ns (a producer a little slower than the
 * subscriber then finds the drain still running and pays nothing), then writes 0 and asks
 * {@link #hasWork()} once more: if work appeared meanwhile and its CAS takes {@code scheduled} back
 * to 1 it goes on, otherwise a later {@code signal} schedules the next drain. This is a Dekker pair:
 * either the drain sees the signaller's change or the signaller sees {@code scheduled == 0}; a
 * wake-up is never lost. Producers pay one read of a line that changes only when the drain goes
 * idle, not an atomic increment per item. A drain that used its budget of items resubmits itself,
 * so one busy stream cannot hold a worker; the bounded poll is the only wait, and it is shorter than
 * the worker's own search before it parks.
 *
 * <p><b>A broken turn.</b> If {@link #drain(int)} throws (an upstream whose {@code request} or
 * {@code cancel} threw, against §3.15 and §3.16, or a bug), the stream does not wedge: the turn calls
 * {@link #abort(Throwable)}, which ends it at once with {@code onError}, releasing what it holds and
 * failing waiting producers; the turn then lets go as an idle one does. The stream is terminated, so
 * later turns have nothing to do but tell a subscriber that arrives afterwards.
 *
 * <p><b>Shutdown.</b> If the job cannot be submitted (the runtime is shut down: the scheduler then
 * abandons it) or a queued job is abandoned, the thread that holds {@code scheduled == 1} calls
 * {@link #shutDown()} and then runs the turn inline, so the stream still ends (subclasses end it
 * cancelled) and signals stay serial. A stream that is idle when the runtime shuts down learns of it
 * through the runtime's shutdown hook, which it holds while it is {@linkplain #register() registered}.
 *
 * <p>Threads: {@link #signal()}, {@link #signalHere()}, {@link #register()} and
 * {@link #unregister()} from any thread; {@link #drain(int)} and {@link #hasWork()} are called by one
 * thread at a time, with happens-before between turns; {@link #shutDown()} from any thread.
 */
abstract class SerialDrain {

    /** Items a drain turn emits at most before it yields its worker. */
    static final int BUDGET = 1024;

    private static final long SPIN_NANOS_DEFAULT = 2_000L;

    /** How long an idle drain polls for new work before it lets go ({@code -Dmoirai.drainSpinNanos}). */
    private static final long SPIN_NANOS = Long.getLong("moirai.drainSpinNanos", SPIN_NANOS_DEFAULT);

    private static final VarHandle SCHEDULED = VarHandles.field(MethodHandles.lookup(), "scheduled", int.class);

    /** The runtime: its shutdown hooks. */
    final RuntimeCore runtime;
    /** The compute workers the drain runs on. */
    final ComputeScheduler scheduler;
    private final Runnable onRuntimeShutdown = this::runtimeShutDown;

    @SuppressWarnings("unused") // accessed through SCHEDULED
    private volatile int scheduled;

    SerialDrain(RuntimeCore runtime) {
        this.runtime = runtime;
        this.scheduler = runtime.scheduler();
    }

    /**
     * Makes the stream end (cancelled) when the runtime shuts down while it is idle. Call once the
     * stream is live; pair with {@link #unregister()} when it ended.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is shut down
     */
    final void register() {
        runtime.addShutdownHook(onRuntimeShutdown);
    }

    /** The stream ended: the runtime need not tell it about a shutdown. Idempotent. */
    final void unregister() {
        runtime.removeShutdownHook(onRuntimeShutdown);
    }

    private void runtimeShutDown() {
        shutDown();
        signal(); // the submission is refused, so the turn runs here
    }

    /**
     * Makes sure a drain runs after this call and sees every change the caller published before it.
     * Any thread; never runs the drain on the calling thread (except after a shutdown, see the class
     * documentation).
     */
    final void signal() {
        // the caller's volatile write or CAS is ordered before this volatile read (Dekker)
        if (scheduled == 0 && SCHEDULED.compareAndSet(this, 0, 1)) {
            submit(false);
        }
    }

    /**
     * As {@link #signal()}, but if no drain is queued or running, runs the turn on the calling thread
     * (which must be a compute worker: subscribers are signalled on the workers) instead of queueing
     * one. A turn that uses its budget still yields by resubmitting itself.
     */
    final void signalHere() {
        if (scheduled == 0 && SCHEDULED.compareAndSet(this, 0, 1)) {
            turn(false); // the caller has its own work: no polling for more
        }
    }

    /**
     * Queues the next turn; the caller holds {@code scheduled == 1}.
     *
     * @param yielded whether the turn yields (it goes behind the worker's waiting jobs)
     */
    private void submit(boolean yielded) {
        try {
            if (yielded) {
                scheduler.submitYielded(new Turn(this));
            } else {
                scheduler.submit(new Turn(this));
            }
        } catch (RejectedExecutionException refused) {
            // the runtime is shut down and the scheduler abandoned the turn, which ran it right here
            // (Turn.abandon: shutDown, then the turn; we hold scheduled == 1, so it is serial)
        }
    }

    /**
     * Drains until idle or out of budget.
     *
     * @param poll whether to poll briefly for new work before letting go (queued turns do; turns run
     *     in place by a caller with work of its own, or after a shutdown, do not)
     */
    private void turn(boolean poll) {
        for (;;) {
            boolean more;
            try {
                more = drain(BUDGET);
            } catch (Throwable t) {
                endBroken(t); // the stream is over; let go as an idle turn does
                more = false;
                poll = false;
            }
            if (more) {
                submit(true); // yield the worker to what waits behind us; scheduled stays 1
                return;
            }
            if (poll && pollsForWork() && awaitWork()) {
                continue;
            }
            scheduled = 0; // volatile write, ordered before hasWork's volatile reads (Dekker)
            if (!hasWork() || !SCHEDULED.compareAndSet(this, 0, 1)) {
                return;
            }
        }
    }

    /** A turn threw: end the stream with the error; report it if no subscriber could be told. */
    private void endBroken(Throwable error) {
        boolean told;
        try {
            told = abort(error);
        } catch (Throwable t) {
            error.addSuppressed(t);
            told = false;
        }
        if (!told) {
            scheduler.dropped().report(error);
        }
    }

    /** Polls {@link #hasWork()} for at most {@link #SPIN_NANOS}; true if work appeared. */
    private boolean awaitWork() {
        if (SPIN_NANOS <= 0L) {
            return false;
        }
        long deadline = System.nanoTime() + SPIN_NANOS;
        do {
            for (int i = 0; i < 32; i++) {
                if (hasWork()) {
                    return true;
                }
                Thread.onSpinWait();
            }
        } while (System.nanoTime() - deadline < 0L);
        return false;
    }

    /**
     * Runs the stream's loop. Called by one thread at a time.
     *
     * @param budget items to emit at most before yielding
     * @return {@code true} if the budget ran out and more can be done now (the caller resubmits);
     *     {@code false} if nothing more can be done until the next {@link #signal()}
     */
    abstract boolean drain(int budget);

    /**
     * Whether a drain could make progress now. Called after the drain went idle, on the drain's
     * thread; must be cheap and free of side effects. A false {@code true} costs a spare turn.
     *
     * @return {@code true} if something changed that {@link #drain(int)} would act on
     */
    abstract boolean hasWork();

    /**
     * Whether an idle queued turn polls briefly for new work before letting go (see the class
     * documentation). Streams whose work comes far apart (timer ticks) say no: the poll would only
     * burn its time.
     *
     * @return {@code true} unless overridden
     */
    boolean pollsForWork() {
        return true;
    }

    /**
     * A drain turn threw: end the stream now, whatever it holds. Deliver {@code onError(error)} to a
     * subscriber that has not had a terminal signal (nothing buffered is delivered first), cancel
     * upstream (reporting, not propagating, a {@code cancel} that throws), fail producers that wait,
     * drop buffered items and unregister the shutdown hook. Called on the drain's thread, serial with
     * every turn. Later turns must find nothing to do (but tell a subscriber that arrives later).
     *
     * @param error what the turn threw
     * @return {@code true} if a subscriber received {@code onError(error)}; otherwise the caller reports it
     */
    abstract boolean abort(Throwable error);

    /**
     * The runtime shut down: mark the stream so that the next {@link #drain(int)} ends it cancelled
     * (releasing what it holds). Any thread; idempotent; must not signal the subscriber itself.
     */
    abstract void shutDown();

    /**
     * Signals the terminal signal, reporting (not propagating) what the subscriber throws.
     *
     * @param s the subscriber
     * @param error null for {@code onComplete}
     */
    final void terminate(org.reactivestreams.Subscriber<?> s, Throwable error) {
        Subscriptions.terminate(s, error, scheduler.dropped()::report);
    }

    /** One scheduled drain turn: a job of its own, so a stale queue entry can never run a second turn. */
    private static final class Turn extends OneShotJob {

        private final SerialDrain owner;

        Turn(SerialDrain owner) {
            super(owner.scheduler);
            this.owner = owner;
        }

        @Override
        protected void runOnce() {
            owner.turn(true);
        }

        @Override
        protected void abandoned() {
            owner.shutDown(); // the runtime drops its queued jobs: end the stream here
            owner.turn(false);
        }
    }
}

package io.moirai.reactor.internal;

import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * One lifetime of a {@link MoiraiScheduler}: from its creation (or a restart through {@code start()})
 * until every task it accepted has ended after {@code dispose} or {@code disposeGracefully}. A restart
 * begins a new lifetime, so the tasks and workers of an earlier one never mix with the new ones.
 *
 * <p><b>Phases</b> ({@code phase}, CAS): {@code OPEN -> DRAINING -> DISPOSED} or
 * {@code OPEN -> DISPOSED}. {@code OPEN} accepts work. {@code DRAINING} ({@code disposeGracefully})
 * rejects new work, stops periodic tasks and lets accepted one-shot tasks (delayed ones included)
 * run. {@code DISPOSED} ({@code dispose}) rejects new work and cancels what waits; a running blocking
 * task is interrupted.
 *
 * <p><b>Termination.</b> {@code live} holds what disposal must reach: direct tasks until they end and
 * workers until they retire (see {@link SerialWorker}). Whoever empties it after the phase left
 * {@code OPEN} completes {@code terminated}, the {@code Mono} {@code disposeGracefully} returns.
 * Adding re-checks the phase after the add, so an addition racing with disposal is either seen by
 * the disposer or refused.
 *
 * <p>Threads: any thread.
 */
final class Lifetime {

    static final int OPEN = 0;
    static final int DRAINING = 1;
    static final int DISPOSED = 2;
    private static final VarHandle PHASE = VarHandles.field(MethodHandles.lookup(), "phase", int.class);

    /** Something disposal must reach: a direct task, a direct periodic task or a worker. */
    interface Tracked {
        /** {@code dispose}: cancel what waits, interrupt what runs on the blocking pool. */
        void cancelAll();

        /** {@code disposeGracefully} began: stop periodic work, let one-shot work finish. */
        void stopPeriodic();
    }

    final MoiraiScheduler scheduler;
    /** Serial schedulers only: the worker every direct task and every worker's drain goes through. */
    final SerialWorker lane;
    private final Set<Tracked> live = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final Mono<Void> whenTerminated = Mono.fromFuture(terminated, true); // cancelling a subscriber leaves it
    @SuppressWarnings("unused") private volatile int phase;

    Lifetime(MoiraiScheduler scheduler, boolean serial) {
        this.scheduler = scheduler;
        this.lane = serial ? new SerialWorker(this, scheduler.dispatch()) : null;
    }

    boolean isOpen() {
        return phase == OPEN;
    }

    /**
     * Registers a task or worker.
     *
     * @return {@code false} if disposal began (nothing was registered)
     */
    boolean tryTrack(Tracked t) {
        if (phase != OPEN) {
            return false;
        }
        live.add(t);
        if (phase != OPEN && live.remove(t)) {
            completeIfIdle(); // disposal raced with the add and may have seen t: undo it
            return false;
        }
        return true;
    }

    /** @throws java.util.concurrent.RejectedExecutionException if disposal began */
    void track(Tracked t) {
        if (!tryTrack(t)) {
            throw Exceptions.failWithRejected();
        }
    }

    /** A task ended or a worker retired. */
    void untrack(Tracked t) {
        if (live.remove(t) && phase != OPEN) {
            completeIfIdle();
        }
    }

    /** {@code disposeGracefully}. */
    void drain() {
        if (PHASE.compareAndSet(this, OPEN, DRAINING)) {
            for (Tracked t : live) {
                t.stopPeriodic();
            }
        }
        completeIfIdle();
    }

    /** {@code dispose}; calling it again (for example after {@code disposeGracefully}) cancels again. */
    void dispose() {
        phase = DISPOSED; // from any phase; DISPOSED is final
        for (Tracked t : live) {
            t.cancelAll();
        }
        completeIfIdle();
    }

    /** @return completes once disposal began and every accepted task ended */
    Mono<Void> whenTerminated() {
        return whenTerminated;
    }

    /** @return how many tasks and workers are registered */
    int size() {
        return live.size();
    }

    private void completeIfIdle() {
        if (live.isEmpty()) {
            terminated.complete(null);
        }
    }
}

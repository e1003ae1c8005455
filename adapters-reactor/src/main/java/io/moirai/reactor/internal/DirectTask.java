package io.moirai.reactor.internal;

import io.moirai.internal.util.VarHandles;
import io.moirai.task.TaskHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.Exceptions;

/**
 * A task scheduled directly on a {@link MoiraiScheduler} (not through a worker), now or after a delay.
 *
 * <p><b>State</b> ({@code state}, CAS): {@code PENDING -> RUNNING -> DONE}, or
 * {@code PENDING -> CANCELLED}. Whoever runs the task must win {@code PENDING -> RUNNING}, so a
 * dispose that wins first guarantees it never runs; a dispose of a running task cancels its Moirai
 * handle, which interrupts it on the blocking pool. {@code handle} is the timer until it fires, then
 * (blocking scheduler only) the blocking task.
 *
 * <p>Threads: {@code dispose} any thread; {@code run} on the runtime's threads, once.
 */
final class DirectTask implements Disposable, Runnable, MoiraiScheduler.Tracked {

    private static final int PENDING = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int CANCELLED = 3;
    private static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), "state", int.class);

    private final MoiraiScheduler parent;
    private final Runnable task;
    private volatile TaskHandle<?> handle;
    @SuppressWarnings("unused") private volatile int state;

    private DirectTask(MoiraiScheduler parent, Runnable task) {
        this.parent = parent;
        this.task = task;
    }

    /**
     * Schedules a task.
     *
     * @throws RejectedExecutionException if the scheduler was disposed or the runtime shut down
     */
    static Disposable start(MoiraiScheduler parent, Runnable task, long delay, TimeUnit unit) {
        DirectTask t = new DirectTask(parent, task);
        parent.track(t);
        Dispatch dispatch = parent.dispatch();
        try {
            if (delay <= 0L) {
                t.handle = dispatch.run(t);
            } else if (!dispatch.blocking()) {
                t.handle = dispatch.later(delay, unit, t); // the timer fires on a worker: run there
            } else {
                t.handle = dispatch.later(delay, unit, t::handOff);
            }
        } catch (RejectedExecutionException shutDown) {
            parent.untrack(t);
            throw Exceptions.failWithRejected(shutDown);
        }
        if (t.state == CANCELLED) {
            t.handle.cancel(); // disposed before the handle was stored
        }
        return t;
    }

    /** Blocking scheduler: the timer fired on a compute worker; move to the blocking pool. */
    private void handOff() {
        if (state != PENDING) {
            return;
        }
        try {
            handle = parent.dispatch().run(this);
        } catch (RejectedExecutionException shutDown) {
            dispose();
            return;
        }
        if (state == CANCELLED) {
            handle.cancel();
        }
    }

    @Override
    public void run() {
        if (!STATE.compareAndSet(this, PENDING, RUNNING)) {
            return;
        }
        try {
            TaskErrors.runReporting(task);
        } finally {
            state = DONE;
            parent.untrack(this);
        }
    }

    @Override
    public void dispose() {
        for (;;) {
            int s = state;
            if (s == PENDING) {
                if (STATE.compareAndSet(this, PENDING, CANCELLED)) {
                    cancelHandle();
                    parent.untrack(this);
                    return;
                }
            } else {
                if (s == RUNNING) {
                    cancelHandle(); // interrupts a running blocking task, as Future.cancel(true) would
                }
                return;
            }
        }
    }

    private void cancelHandle() {
        TaskHandle<?> h = handle;
        if (h != null) {
            h.cancel();
        }
    }

    @Override
    public boolean isDisposed() {
        return state >= DONE;
    }

    @Override
    public void cancelAll() {
        dispose();
    }

    @Override
    public void stopPeriodic() {
        // a one-shot task finishes during a graceful disposal
    }

    @Override
    public boolean isIdle() {
        return state >= DONE;
    }
}

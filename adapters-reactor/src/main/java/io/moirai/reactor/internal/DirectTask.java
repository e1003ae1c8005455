package io.moirai.reactor.internal;

import io.moirai.task.TaskHandle;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.Exceptions;

/**
 * A one-shot task scheduled directly on a {@link MoiraiScheduler} (not through a worker), now or after
 * a delay. Its states are {@link TaskState}'s; it is registered with its scheduler's {@link Lifetime}
 * from scheduling until it ended.
 *
 * <p>Its published job ({@link TaskState#publishJob}) is the Moirai job that will run it: the timer
 * until it fires, then (blocking scheduler only) the blocking task. Disposing the task while it waits
 * cancels that job, so a timer holds nothing once disposed.
 *
 * <p>Threads: {@code dispose} any thread; {@code run} on the runtime's threads, once.
 */
final class DirectTask extends TaskState implements Lifetime.Tracked {

    private final Lifetime lifetime;
    private final Runnable task;

    private DirectTask(Lifetime lifetime, Runnable task) {
        super(lifetime.scheduler.dispatch().blocking());
        this.lifetime = lifetime;
        this.task = task;
    }

    /**
     * Schedules a task.
     *
     * @param task already decorated by {@code Schedulers.onSchedule}
     * @throws RejectedExecutionException if the scheduler was disposed or the runtime shut down
     */
    static Disposable start(Lifetime lifetime, Runnable task, long delay, TimeUnit unit) {
        DirectTask t = new DirectTask(lifetime, task);
        lifetime.track(t);
        Dispatch dispatch = lifetime.scheduler.dispatch();
        TaskHandle<?> h;
        try {
            if (delay <= 0L) {
                h = dispatch.run(t);
            } else if (!dispatch.blocking()) {
                h = dispatch.later(delay, unit, t); // the timer fires on a compute worker: run there
            } else {
                h = dispatch.later(delay, unit, t::handOff);
            }
        } catch (RejectedExecutionException shutDown) {
            t.dispose();
            throw Exceptions.failWithRejected(shutDown);
        }
        t.publishJob(h);
        return t;
    }

    /** Blocking scheduler: the timer fired on a compute worker; move to the blocking pool. */
    private void handOff() {
        if (isPending()) {
            runOn(lifetime.scheduler.dispatch());
        }
    }

    @Override
    public void run() {
        if (beginRun()) {
            TaskErrors.run(task);
            endRun(DONE);
        }
    }

    @Override
    void ended() {
        lifetime.untrack(this);
    }

    @Override
    public void cancelAll() {
        dispose();
    }

    @Override
    public void stopPeriodic() {
        // a one-shot task finishes during a graceful disposal
    }
}

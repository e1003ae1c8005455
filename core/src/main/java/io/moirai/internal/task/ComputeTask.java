package io.moirai.internal.task;

import io.moirai.internal.scheduler.ComputeScheduler;
import java.util.concurrent.Callable;

/**
 * A task spawned with {@code spawn}: a callable run once on a compute worker, or inline by a worker
 * that joins it before it started. Not interruptible: a cancel while it runs discards its result.
 */
public final class ComputeTask<T> extends TaskCore<T> {

    private Callable<? extends T> callable;

    /**
     * @param scheduler the runtime's compute scheduler
     * @param callable the user's work
     */
    public ComputeTask(ComputeScheduler scheduler, Callable<? extends T> callable) {
        super(scheduler);
        this.callable = callable;
    }

    @Override
    public void run() {
        if (!claim()) {
            return;
        }
        Callable<? extends T> c = callable;
        callable = null;
        try {
            succeed(c.call());
        } catch (Throwable t) {
            fail(t);
        }
    }

    @Override
    void onTerminal() {
        callable = null; // a cancelled task never runs: release what it captured
    }

    @Override
    boolean tryRunInline() {
        if (state() != NEW) {
            return false;
        }
        run();
        return true;
    }
}

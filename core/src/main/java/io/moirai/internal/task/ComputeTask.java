package io.moirai.internal.task;

import io.moirai.internal.scheduler.ComputeScheduler;
import java.util.concurrent.Callable;

/**
 * A task spawned with {@code spawn}: a callable run once on a compute worker, or inline by a worker
 * that joins it before it started. Not interruptible: a cancel while it runs discards its result.
 */
public final class ComputeTask<T> extends CallableTask<T> {

    /**
     * @param scheduler the runtime's compute scheduler
     * @param callable the user's work
     */
    public ComputeTask(ComputeScheduler scheduler, Callable<? extends T> callable) {
        super(scheduler, callable);
    }

    @Override
    public void run() {
        if (claim()) {
            callOnce();
        }
    }

    @Override
    boolean runsOnComputeWorkers() {
        return true;
    }
}

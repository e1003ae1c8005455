package io.moirai.internal.task;

import io.moirai.internal.scheduler.ComputeScheduler;
import java.util.concurrent.Callable;

/**
 * A task whose work is one {@link Callable}, called at most once by the thread that claimed the task;
 * the callable is released as soon as it ran or the task ended without running it.
 */
abstract class CallableTask<T> extends TaskCore<T> {

    private Callable<? extends T> callable;

    CallableTask(ComputeScheduler scheduler, Callable<? extends T> callable) {
        super(scheduler);
        this.callable = callable;
    }

    /** The claimer only: calls the callable once and records its outcome. */
    final void callOnce() {
        Callable<? extends T> c = callable;
        callable = null;
        settleWith(c);
    }

    @Override
    void onTerminal() {
        callable = null; // a cancelled task never runs: release what it captured
    }
}

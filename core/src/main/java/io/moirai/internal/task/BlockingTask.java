package io.moirai.internal.task;

import io.moirai.internal.scheduler.ComputeScheduler;
import java.util.concurrent.Callable;

/**
 * A task spawned with {@code spawnBlocking}: a callable run once on a blocking-pool thread. Cancelling
 * it while it runs interrupts that thread; the pool waits out the interrupt and clears it before the
 * thread takes its next task, so the interrupt never leaks into another task.
 */
public final class BlockingTask<T> extends CallableTask<T> {

    /** Written by the runner before its claim (published by the claim's CAS), read by cancel. */
    private Thread runner;

    /**
     * @param scheduler the runtime's compute scheduler (metrics, dropped errors)
     * @param callable the user's work
     */
    public BlockingTask(ComputeScheduler scheduler, Callable<? extends T> callable) {
        super(scheduler, callable);
    }

    @Override
    public void run() {
        runner = Thread.currentThread();
        if (!claim()) {
            runner = null;
            return;
        }
        try {
            callOnce();
        } finally {
            awaitInterruptDelivered();
            runner = null;
        }
    }

    @Override
    boolean interruptible() {
        return true;
    }

    @Override
    void interruptRunner() {
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
    }
}

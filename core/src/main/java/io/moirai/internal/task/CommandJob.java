package io.moirai.internal.task;

import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.scheduler.OneShotJob;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fire-and-forget command passed to {@code execute}: runs at most once; what it throws goes to the
 * dropped-error handler. A command discarded at shutdown is counted in {@code discarded}.
 */
public final class CommandJob extends OneShotJob {

    private final LongAdder discarded;
    private Runnable command;

    /**
     * @param scheduler the runtime's compute scheduler
     * @param command the user's command
     * @param discarded counts commands abandoned at shutdown
     */
    public CommandJob(ComputeScheduler scheduler, Runnable command, LongAdder discarded) {
        super(scheduler);
        this.command = command;
        this.discarded = discarded;
    }

    @Override
    protected void runOnce() {
        Runnable c = command;
        command = null;
        try {
            c.run();
        } catch (Throwable t) {
            scheduler.dropped().report(t);
        }
    }

    @Override
    protected void abandoned() {
        command = null;
        discarded.increment();
    }
}

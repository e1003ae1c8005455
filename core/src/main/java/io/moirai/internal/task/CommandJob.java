package io.moirai.internal.task;

import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.scheduler.Job;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fire-and-forget command passed to {@code execute}: runs at most once; what it throws goes to the
 * dropped-error handler. A command discarded at shutdown is counted in {@code discarded}.
 */
public final class CommandJob extends Job {

    private static final int TAKEN = 1;

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
    public void run() {
        if (!casState(NEW, TAKEN)) {
            return;
        }
        Runnable c = command;
        command = null;
        try {
            c.run();
        } catch (Throwable t) {
            scheduler.dropped().report(t);
        } finally {
            ended();
        }
    }

    @Override
    public boolean abandon() {
        if (casState(NEW, TAKEN)) {
            command = null;
            discarded.increment();
            ended();
            return true;
        }
        return false;
    }
}

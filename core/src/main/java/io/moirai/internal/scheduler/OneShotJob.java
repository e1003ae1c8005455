package io.moirai.internal.scheduler;

/**
 * A job that is either run once or abandoned once, never both: the first of {@link #run()} and
 * {@link #abandon()} to claim it (one CAS from {@code NEW}) does its part, and the job counts as
 * ended when that part returns or throws. The kinds of job that are not task handles (a command, a
 * stream's drain turn, a parallel map's runner) are one-shot jobs; they say only what running and
 * abandoning mean for them.
 *
 * <p>Threads: as {@link Job}: {@code run} and {@code abandon} from any thread, concurrently; the
 * hooks are called by the one thread that claimed the job.
 */
public abstract class OneShotJob extends Job {

    private static final int TAKEN = 1;

    /** @param scheduler where the job is counted (null for a job no runtime counts: tests) */
    protected OneShotJob(ComputeScheduler scheduler) {
        super(scheduler);
    }

    @Override
    public final void run() {
        if (casState(NEW, TAKEN)) {
            try {
                runOnce();
            } finally {
                ended();
            }
        }
    }

    @Override
    public final boolean abandon() {
        if (!casState(NEW, TAKEN)) {
            return false;
        }
        try {
            abandoned();
        } finally {
            ended();
        }
        return true;
    }

    /** The job's work; the claiming thread, once. Must not throw (errors go where the job reports them). */
    protected abstract void runOnce();

    /** The runtime will never run the job (shutdown); the claiming thread, once, instead of {@link #runOnce()}. */
    protected abstract void abandoned();
}

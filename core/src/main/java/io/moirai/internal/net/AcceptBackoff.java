package io.moirai.internal.net;

import io.moirai.internal.io.IoDriver;
import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.task.TimerTask;
import io.moirai.internal.time.Ticks;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * How a listener waits out an accept that fails for a reason of the machine's (out of file
 * descriptors, EMFILE or ENFILE; out of socket buffers, ENOBUFS; out of memory): it stops accepting,
 * retries after a pause that doubles from {@value #FIRST_MILLIS} ms up to {@value #MAX_MILLIS} ms
 * while the failures go on, and serves again as soon as an accept succeeds. Pending connections wait
 * in the kernel's backlog meanwhile, as they would behind a busy server; the subscriber of
 * {@code connections()} sees nothing of it. One failure of each episode is reported to the
 * dropped-error handler, so the operator learns of it without a report per retry.
 *
 * <p>Threads: the listener's driver thread, except {@link #cancel()} (any thread). The retry is a
 * runtime timer whose callback runs on a compute worker and only asks the driver to accept again.
 */
final class AcceptBackoff {

    static final long FIRST_MILLIS = 10L;
    static final long MAX_MILLIS = 1_000L;

    private final ComputeScheduler scheduler;
    private final IoDriver driver;
    private final Callable<Void> retry;
    private long waitMillis;
    private volatile TimerTask<Void> pending;

    /**
     * @param scheduler the runtime's compute workers, where the retry's callback runs
     * @param driver the listener's driver, whose wheel holds the retry
     * @param retry asks the driver to accept again
     */
    AcceptBackoff(ComputeScheduler scheduler, IoDriver driver, Runnable retry) {
        this.scheduler = scheduler;
        this.driver = driver;
        this.retry = () -> {
            retry.run();
            return null;
        };
    }

    /**
     * An accept failed: schedules the retry. Driver thread.
     *
     * @return whether this failure starts an episode (the caller reports it), else it continues one
     */
    boolean failed() {
        boolean first = waitMillis == 0L;
        waitMillis = first ? FIRST_MILLIS : Math.min(waitMillis * 2L, MAX_MILLIS);
        long deadline = Ticks.ceil(Ticks.deadlineNanos(System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(waitMillis)));
        TimerTask<Void> t = new TimerTask<>(scheduler, driver, deadline, retry);
        pending = t;
        t.start(); // a driver that stopped abandons it: the listener is shut down with the driver
        return first;
    }

    /** An accept succeeded: the episode is over. Driver thread. */
    void succeeded() {
        waitMillis = 0L;
    }

    /** The listener closed: drop the pending retry. Any thread. */
    void cancel() {
        TimerTask<Void> t = pending;
        if (t != null) {
            t.cancel();
        }
    }
}

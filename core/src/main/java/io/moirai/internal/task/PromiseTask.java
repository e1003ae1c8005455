package io.moirai.internal.task;

import io.moirai.internal.scheduler.ComputeScheduler;
import java.util.concurrent.RejectedExecutionException;

/**
 * A handle completed from outside, by an event rather than by running code: a connect attempt, a
 * connection's output. Whoever resolves it first wins; a cancel before that runs the cancel hook.
 *
 * <p>{@link #resolve} completes the handle on the calling thread when nobody observes it yet, and
 * otherwise on a compute worker, so observers' code (subscribers, future stages) does not run on the
 * I/O thread that usually resolves it.
 *
 * <p>Threads: any thread may resolve or cancel; the cancel hook runs on the cancelling thread (or the
 * shutdown's), once.
 *
 * @param <T> the result type
 */
public final class PromiseTask<T> extends TaskCore<T> {

    private final Runnable onCancel;
    private Object value;
    private Throwable error;

    /**
     * @param scheduler the runtime's compute scheduler
     * @param onCancel runs once if the handle ends cancelled (release what the operation holds)
     */
    public PromiseTask(ComputeScheduler scheduler, Runnable onCancel) {
        super(scheduler);
        this.onCancel = onCancel;
    }

    /**
     * Completes the handle with a value or an error.
     *
     * @param v the value (when {@code e} is null)
     * @param e the error, or null
     */
    public void resolve(T v, Throwable e) {
        if (state() != NEW) {
            return;
        }
        if (!hasObservers()) {
            complete(v, e);
            return;
        }
        value = v;
        error = e;
        try {
            scheduler.submit(this); // publishes value and error to the runner
        } catch (RejectedExecutionException shutDown) {
            abandon();
        }
    }

    @Override
    public void run() {
        complete(value, error);
    }

    @SuppressWarnings("unchecked")
    private void complete(Object v, Throwable e) {
        if (claim()) {
            if (e == null) {
                succeed(v);
            } else {
                fail(e);
            }
        }
        value = null;
        error = null;
    }

    @Override
    void onTerminal() {
        if (isCancelled()) {
            onCancel.run();
        }
    }
}

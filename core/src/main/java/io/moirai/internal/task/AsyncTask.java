package io.moirai.internal.task;

import io.moirai.internal.scheduler.ComputeScheduler;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * A task spawned with {@code spawnAsync}: its supplier runs once on a compute worker; the task then
 * waits for the returned stage without holding a thread (a {@code whenComplete} callback completes it),
 * and sits in the runtime's {@link AsyncRegistry} so a shutdown can cancel it.
 *
 * <p>Cancelling it cancels the stage's {@code CompletableFuture} when the stage has one. The
 * {@code stageFuture} field and the task's state are both volatile, so a cancel that races with the
 * runner publishing the stage is seen by one of the two (each writes its own, then reads the other).
 */
public final class AsyncTask<T> extends TaskCore<T> {

    private final AsyncRegistry registry;
    private Supplier<? extends CompletionStage<? extends T>> supplier;
    private volatile CompletableFuture<?> stageFuture;

    // links of the registry's stripe list, guarded by that stripe's lock
    AsyncTask<?> prev;
    AsyncTask<?> next;

    /**
     * @param scheduler the runtime's compute scheduler
     * @param registry where pending async tasks are tracked for shutdown
     * @param supplier the user's stage supplier
     */
    public AsyncTask(ComputeScheduler scheduler, AsyncRegistry registry,
            Supplier<? extends CompletionStage<? extends T>> supplier) {
        super(scheduler);
        this.registry = registry;
        this.supplier = supplier;
    }

    /**
     * A task that adopts a stage already running ({@code fromCompletionStage}): its future is known
     * before the task runs, so a cancel (or a shutdown) that comes first still cancels it.
     *
     * @param scheduler the runtime's compute scheduler
     * @param registry where pending async tasks are tracked for shutdown
     * @param stage the running stage
     * @param <T> the result type
     * @return the task, to submit
     */
    public static <T> AsyncTask<T> adopting(ComputeScheduler scheduler, AsyncRegistry registry,
            CompletionStage<? extends T> stage) {
        AsyncTask<T> task = new AsyncTask<>(scheduler, registry, () -> stage);
        task.stageFuture = futureOf(stage);
        return task;
    }

    /** @return the stage's future, or null for a stage that has none (it cannot be cancelled) */
    private static CompletableFuture<?> futureOf(CompletionStage<?> stage) {
        try {
            return stage.toCompletableFuture();
        } catch (UnsupportedOperationException notConvertible) {
            return null;
        }
    }

    @Override
    public void run() {
        if (!claim()) {
            return;
        }
        Supplier<? extends CompletionStage<? extends T>> s = supplier;
        supplier = null;
        CompletionStage<? extends T> stage;
        try {
            stage = s.get();
        } catch (Throwable t) {
            fail(t);
            return;
        }
        if (stage == null) {
            fail(new NullPointerException("the spawnAsync supplier returned a null stage"));
            return;
        }
        boolean open = registry.add(this);
        stageFuture = futureOf(stage); // null: a stage without a future cannot be cancelled, only abandoned
        if (!open) {
            cancel(); // the runtime shut down meanwhile
        }
        if (isFinished()) {
            // a cancel won before the link or the future was published: undo both
            registry.remove(this);
            cancelStage();
            return;
        }
        // a callback of its own, not the task: a handle users hold must not be completable by a cast
        stage.whenComplete(this::stageCompleted);
    }

    @Override
    boolean runsOnComputeWorkers() {
        return true;
    }

    /** The stage completed. */
    private void stageCompleted(Object value, Throwable error) {
        if (error == null) {
            succeed(value);
            return;
        }
        Throwable cause = unwrap(error);
        if (cause instanceof CancellationException) {
            cancel();
        } else {
            fail(cause);
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    @Override
    void onTerminal() {
        supplier = null;
        registry.remove(this);
        if (isCancelled()) {
            cancelStage();
        }
    }

    private void cancelStage() {
        CompletableFuture<?> f = stageFuture;
        if (f != null) {
            stageFuture = null;
            f.cancel(false);
        }
    }
}

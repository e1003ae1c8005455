package io.moirai.internal.task;

import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * A task spawned with {@code spawnAsync}: its supplier runs once on a compute worker; the task then
 * waits for the returned stage without holding a thread (a {@code whenComplete} callback completes it),
 * and sits in the runtime's {@link AsyncRegistry} from its spawn to its end, so a shutdown can cancel it.
 *
 * <p><b>Memory.</b> A pending async task is the handle users hold, so it is kept small: besides the
 * task state it has one {@code source} field and the registry's two links (it does not name its
 * registry, see {@link AsyncRegistry}). {@code source} holds what the task has to work with at each
 * step: the supplier (or the {@link Adopted} stage) until the task runs, then the stage's
 * {@code CompletableFuture} (or null for a stage that has none) until the task ends, then null.
 *
 * <p><b>Cancel against run.</b> A cancel takes {@code source} with a {@code getAndSet} when the task
 * ends; the runner publishes the stage's future with a {@code compareAndSet} from the source it read.
 * So exactly one of them owns the future: either the cancel takes it (and cancels it), or the runner's
 * CAS fails and the runner cancels the future it just obtained.
 */
public final class AsyncTask<T> extends TaskCore<T> {

    private static final VarHandle SOURCE = VarHandles.field(MethodHandles.lookup(), "source", Object.class);

    /** A stage adopted before the task runs ({@code fromCompletionStage}), with its future if it has one. */
    private record Adopted(CompletionStage<?> stage, CompletableFuture<?> future) {}

    @SuppressWarnings("unused") // accessed through SOURCE
    private volatile Object source;

    // links of the registry's stripe list (prev: the previous task or the stripe), guarded by its lock
    Object prev;
    AsyncTask<?> next;

    private AsyncTask(ComputeScheduler scheduler, Object source) {
        super(scheduler);
        this.source = source;
    }

    /**
     * A task that will run {@code supplier} ({@code spawnAsync}), linked in the registry; cancelled at
     * once if the registry is closed. Submit it next.
     *
     * @param scheduler the runtime's compute scheduler
     * @param registry where tasks are tracked for shutdown
     * @param supplier the user's stage supplier
     * @param <T> the result type
     * @return the task, to submit
     */
    public static <T> AsyncTask<T> supplying(ComputeScheduler scheduler, AsyncRegistry registry,
            Supplier<? extends CompletionStage<? extends T>> supplier) {
        return registered(new AsyncTask<>(scheduler, supplier), registry);
    }

    /**
     * A task that adopts a stage already running ({@code fromCompletionStage}): its future is known
     * before the task runs, so a cancel (or a shutdown) that comes first still cancels it.
     *
     * @param scheduler the runtime's compute scheduler
     * @param registry where tasks are tracked for shutdown
     * @param stage the running stage
     * @param <T> the result type
     * @return the task, to submit
     */
    public static <T> AsyncTask<T> adopting(ComputeScheduler scheduler, AsyncRegistry registry,
            CompletionStage<? extends T> stage) {
        return registered(new AsyncTask<>(scheduler, new Adopted(stage, futureOf(stage))), registry);
    }

    private static <T> AsyncTask<T> registered(AsyncTask<T> task, AsyncRegistry registry) {
        if (!registry.add(task)) {
            task.cancel(); // the runtime shut down meanwhile
        }
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
    @SuppressWarnings("unchecked")
    public void run() {
        if (!claim()) {
            return;
        }
        Object src = source;
        CompletionStage<? extends T> stage;
        CompletableFuture<?> future;
        if (src instanceof Adopted adopted) {
            stage = (CompletionStage<? extends T>) adopted.stage();
            future = adopted.future();
        } else if (src instanceof Supplier<?> supplier) {
            try {
                stage = (CompletionStage<? extends T>) supplier.get();
            } catch (Throwable t) {
                fail(t);
                return;
            }
            if (stage == null) {
                fail(new NullPointerException("the spawnAsync supplier returned a null stage"));
                return;
            }
            future = futureOf(stage);
        } else {
            return; // a cancel took the source between the claim and here: the task has ended
        }
        if (!SOURCE.compareAndSet(this, src, future)) {
            // a cancel took the source meanwhile: the stage it could not see is ours to cancel
            if (future != null) {
                future.cancel(false);
            }
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
        Object taken = SOURCE.getAndSet(this, null); // the supplier, the adopted stage or the future
        AsyncRegistry.remove(this);
        if (isCancelled()) {
            CompletableFuture<?> future = taken instanceof Adopted adopted ? adopted.future()
                    : taken instanceof Supplier<?> ? null // never ran: there is no stage
                    : (CompletableFuture<?>) taken;
            if (future != null) {
                future.cancel(false);
            }
        }
    }
}

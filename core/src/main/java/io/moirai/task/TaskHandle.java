package io.moirai.task;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.reactivestreams.Publisher;

/**
 * The handle of a task spawned on a {@link io.moirai.Moirai} runtime: it holds the task's result, lets
 * callers wait for it, poll it, cancel the task or subscribe to it.
 *
 * <p><b>Threads.</b> Every method may be called from any thread, concurrently. {@link #join()} and
 * {@link #join(Duration)} block the calling thread; when the caller is one of the runtime's compute
 * workers, the join first runs the awaited task inline if it has not started yet, and otherwise
 * helps by running other queued work of that worker before it parks.
 *
 * <p><b>As a publisher.</b> Each {@link #subscribe subscriber} gets its own subscription and its own
 * demand: it receives {@code onNext(result)} only after it has requested at least one element, then
 * {@code onComplete}. A {@code null} result gives {@code onComplete} alone, a failure
 * {@code onError(cause)}, a cancelled task {@code onError(CancellationException)}. Cancelling a
 * subscription detaches that subscriber only; {@link #cancel()} cancels the task. A subscriber that
 * arrives after the task finished receives the same result. Signals to one subscriber are serial
 * (§1.3) and may arrive on the thread that completed the task or on the thread that requested.
 *
 * <p><b>JDK Flow.</b> {@code org.reactivestreams.FlowAdapters.toFlowPublisher(handle)} (in the
 * Reactive Streams jar core depends on) is the handle as a {@code java.util.concurrent.Flow.Publisher},
 * with the same per-subscriber semantics; Moirai adds no Flow API of its own.
 *
 * <p><b>Guarantees.</b> The task's result is written once; every observer (join, tryJoin, every
 * subscriber, every {@link #toCompletableFuture() view}) sees the same terminal outcome.
 *
 * @param <T> the type of the task's result
 */
public interface TaskHandle<T> extends Publisher<T> {

    /**
     * Waits for the task and returns its result.
     *
     * @return the task's result (may be {@code null})
     * @throws TaskFailedException if the task failed; its cause is the task's error
     * @throws CancellationException if the task was cancelled (also by a runtime shutdown)
     */
    T join();

    /**
     * Waits at most {@code timeout} for the task and returns its result.
     *
     * @param timeout how long to wait; zero polls once
     * @return the task's result (may be {@code null})
     * @throws TimeoutException if the task did not finish in time (the task keeps running)
     * @throws TaskFailedException if the task failed; its cause is the task's error
     * @throws CancellationException if the task was cancelled
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    T join(Duration timeout) throws TimeoutException;

    /**
     * Returns the outcome if the task has finished; never blocks.
     *
     * @return the outcome, or empty while the task is still pending or running
     */
    Optional<TaskResult<T>> tryJoin();

    /**
     * Waits at most {@code timeout} for the task and returns its outcome, without throwing for a
     * failure, a cancellation or a timeout: the unchecked twin of {@link #join(Duration)}, usable
     * inside a lambda. Like {@link #join()}, it is not interruptible (an interrupt is kept for the
     * caller).
     *
     * @param timeout how long to wait; zero polls once
     * @return the outcome, or empty if the task did not finish in time (it keeps running)
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    default Optional<TaskResult<T>> tryJoin(Duration timeout) {
        try {
            join(timeout);
        } catch (TimeoutException notYet) {
            return Optional.empty();
        } catch (TaskFailedException | CancellationException finished) {
            // the outcome is read below
        }
        return tryJoin();
    }

    /** @return {@code true} once the task has succeeded, failed or been cancelled */
    boolean isFinished();

    /**
     * Cancels the task. A task that has not started never runs; a running blocking task is
     * interrupted; an async task cancels its stage's {@code CompletableFuture}. A compute task that is
     * already running cannot be preempted: it runs to its end and its result is discarded. Either way
     * the handle completes as cancelled at once.
     *
     * @return {@code true} if this call cancelled the task, {@code false} if it had already finished
     */
    boolean cancel();

    /** @return {@code true} if the task ended cancelled */
    boolean isCancelled();

    /**
     * Returns a new {@link CompletableFuture} that completes with the task's outcome: its value, its
     * error (unwrapped, not a {@code TaskFailedException}) or a {@link CancellationException}. It is a
     * view: completing or cancelling the returned future does not complete or cancel the task. Each
     * call returns a new future.
     *
     * @return a future that mirrors the task's outcome
     */
    CompletableFuture<T> toCompletableFuture();
}

package io.moirai.rxjava3;

import io.moirai.Moirai;
import io.moirai.rxjava3.internal.ChannelFeed;
import io.moirai.rxjava3.internal.DefaultSchedulers;
import io.moirai.rxjava3.internal.MoiraiScheduler;
import io.moirai.rxjava3.internal.TaskMaybe;
import io.moirai.stream.Channel;
import io.moirai.task.TaskHandle;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.FlowableSubscriber;
import io.reactivex.rxjava3.core.Maybe;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.reactivestreams.Publisher;

/**
 * RxJava 3 views of Moirai: its publishers as {@link Flowable}s, its task handles as {@link Single},
 * {@link Maybe} and {@link Completable}, and RxJava {@link Scheduler}s that run on a runtime's compute
 * workers or blocking pool.
 *
 * <p><b>Threads.</b> Every method may be called from any thread, including Moirai's own threads and
 * RxJava's. Each returns a new object and keeps no state of its own; the returned reactive types are
 * cold and may be subscribed to any number of times, from any thread.
 *
 * <p><b>Task conversions</b> ({@link #toSingle}, {@link #toMaybe}, {@link #toCompletable}). Each
 * subscription subscribes to the handle (a {@link Publisher} with its own demand, see
 * {@link TaskHandle}) and receives the task's outcome on the thread that completed the task, or on the
 * subscribing thread when the task had already finished. A failed task signals {@code onError} with
 * the task's own error (not wrapped in a {@code TaskFailedException}); a cancelled task (by
 * {@link TaskHandle#cancel()} or a runtime shutdown) signals {@code onError(CancellationException)}.
 * <b>Disposing the subscription cancels the task</b> ({@link TaskHandle#cancel()}): a task that has
 * not started never runs, a running blocking task is interrupted, and every other observer of the
 * handle sees it cancelled. Disposing after the outcome was delivered does nothing. An error that
 * races with disposal and can no longer be delivered goes to {@code RxJavaPlugins.onError}, except the
 * {@link CancellationException} the disposal itself caused. Signals to one observer are serial and
 * at most one terminal signal is delivered.
 *
 * <p><b>Schedulers</b> ({@link #scheduler}, {@link #blockingScheduler}) honour RxJava's
 * {@link Scheduler} contract: the tasks of one {@link Scheduler.Worker} run one at a time in FIFO
 * order, never overlapping (on whichever runtime thread is free, not on one pinned thread), and its
 * delayed tasks in deadline order (equal deadlines: scheduling order); delays use Moirai's timers (no
 * thread held while waiting, never early); periodic tasks run at a fixed rate, one run at a time;
 * every {@code Disposable} cancels for real (a pending task never runs, a pending timer is removed);
 * {@code RxJavaPlugins.onSchedule} is applied once to every {@link Runnable} handed to
 * {@code scheduleDirect}, {@code schedulePeriodicallyDirect} or a worker's {@code schedule*}; an
 * exception thrown by a task goes to {@code RxJavaPlugins.onError} and the worker goes on with its
 * next task. {@link Scheduler#now} is RxJava's usual clock. {@link Scheduler#shutdown()} disposes the
 * scheduler's workers and pending timers but never shuts the {@link Moirai} runtime down;
 * afterwards, as with RxJava's own {@code Schedulers.computation()}, every new scheduling call reports
 * a {@link RejectedExecutionException} to {@code RxJavaPlugins.onError} (which wraps it in an
 * {@code UndeliverableException}) and returns {@code Disposable.disposed()}, until
 * {@link Scheduler#start()} starts it again. The same holds when the runtime itself was shut down.
 * Each call returns a new scheduler; shutting one down affects no other. A worker's task reports
 * {@code isDisposed()} as RxJava's own do: {@code false} while it waits or runs, {@code true} once it
 * ended, was disposed, or its worker was disposed or its scheduler shut down. Null arguments are
 * rejected at the call with RxJava's messages ({@code "run is null"}, {@code "unit is null"}).
 *
 * <p><b>Global install</b> ({@link #installDefaultSchedulers}) makes Moirai RxJava's default
 * {@code Schedulers.computation()}, {@code single()}, {@code io()} and {@code newThread()}, for every
 * operator that uses them, until the returned {@link Disposable} is disposed.
 */
public final class MoiraiRx {

    private MoiraiRx() {}

    /**
     * Views a Reactive Streams publisher (any of Moirai's: a task handle, a socket's bytes, a timer's
     * ticks, a channel's receiver) as a {@link Flowable}. Demand and cancellation pass straight
     * through ({@link Flowable#fromPublisher}): cancelling the flowable's subscription cancels that
     * subscription only; for a {@link TaskHandle} it detaches the subscriber without cancelling the
     * task (use {@link #toSingle} or {@link #toMaybe} for that).
     *
     * @param publisher the publisher; it must follow the Reactive Streams rules, as all of Moirai's do
     * @param <T> the element type
     * @return a flowable that subscribes to {@code publisher} once per subscriber
     * @throws NullPointerException if {@code publisher} is null
     */
    public static <T> Flowable<T> toFlowable(Publisher<T> publisher) {
        return Flowable.fromPublisher(Objects.requireNonNull(publisher, "publisher is null"));
    }

    /**
     * A channel's feeding subscriber ({@link Channel#asSubscriber()}) as an RxJava
     * {@link FlowableSubscriber}, for {@code flowable.subscribe(MoiraiRx.toSubscriber(channel))}. It
     * behaves exactly as {@code asSubscriber()} (it requests only what the channel can take, its
     * completion closes the channel, its error fails it, a second subscription is cancelled), but
     * RxJava passes it items directly instead of through the {@code StrictSubscriber} it wraps around
     * subscribers of other libraries, which costs atomic operations per item.
     *
     * @param channel the channel to feed
     * @param <T> the item type
     * @return the channel's feeding subscriber, as RxJava's own kind
     * @throws NullPointerException if {@code channel} is null
     */
    public static <T> FlowableSubscriber<T> toSubscriber(Channel<T> channel) {
        return new ChannelFeed<>(Objects.requireNonNull(channel, "channel is null").asSubscriber());
    }

    /**
     * Views a task as a {@link Single}: its result as {@code onSuccess}; a {@code null} result as
     * {@code onError(NoSuchElementException)}; its failure as {@code onError(cause)}; its cancellation
     * as {@code onError(CancellationException)}. Disposing cancels the task.
     *
     * @param task the task's handle
     * @param <T> the result type
     * @return a single of the task's result
     * @throws NullPointerException if {@code task} is null
     * @see NoSuchElementException
     */
    public static <T> Single<T> toSingle(TaskHandle<T> task) {
        // Maybe.toSingle signals NoSuchElementException for an empty maybe; disposal passes through
        return new TaskMaybe<>(Objects.requireNonNull(task, "task is null")).toSingle();
    }

    /**
     * Views a task as a {@link Maybe}: its result as {@code onSuccess}; a {@code null} result as
     * {@code onComplete}; its failure as {@code onError(cause)}; its cancellation as
     * {@code onError(CancellationException)}. Disposing cancels the task.
     *
     * @param task the task's handle
     * @param <T> the result type
     * @return a maybe of the task's result
     * @throws NullPointerException if {@code task} is null
     */
    public static <T> Maybe<T> toMaybe(TaskHandle<T> task) {
        return new TaskMaybe<>(Objects.requireNonNull(task, "task is null"));
    }

    /**
     * Views a task as a {@link Completable}: {@code onComplete} when it succeeds (its result, null or
     * not, is ignored); its failure as {@code onError(cause)}; its cancellation as
     * {@code onError(CancellationException)}. Disposing cancels the task.
     *
     * @param task the task's handle
     * @return a completable of the task's outcome
     * @throws NullPointerException if {@code task} is null
     */
    public static Completable toCompletable(TaskHandle<?> task) {
        return new TaskMaybe<>(Objects.requireNonNull(task, "task is null")).ignoreElement();
    }

    /**
     * A {@link Single} as a task: subscribes to it now; the handle completes with its value or its
     * error. Disposal and cancellation as {@link #toTask(Moirai, Completable)} describes.
     *
     * @param moirai the runtime the handle belongs to
     * @param single the single, subscribed once
     * @param <T> the value type
     * @return the task's handle
     * @throws NullPointerException if an argument is null
     * @throws RejectedExecutionException if the runtime is shut down (then nothing is subscribed)
     */
    public static <T> TaskHandle<T> toTask(Moirai moirai, Single<T> single) {
        Objects.requireNonNull(single, "single is null");
        return adopt(moirai, result -> single.subscribe(result::complete, result::completeExceptionally));
    }

    /**
     * A {@link Maybe} as a task: subscribes to it now; the handle completes with its value,
     * {@code null} if it completes empty, or its error. Disposal and cancellation as
     * {@link #toTask(Moirai, Completable)} describes.
     *
     * @param moirai the runtime the handle belongs to
     * @param maybe the maybe, subscribed once
     * @param <T> the value type
     * @return the task's handle
     * @throws NullPointerException if an argument is null
     * @throws RejectedExecutionException if the runtime is shut down (then nothing is subscribed)
     */
    public static <T> TaskHandle<T> toTask(Moirai moirai, Maybe<T> maybe) {
        Objects.requireNonNull(maybe, "maybe is null");
        return adopt(moirai, result -> maybe.subscribe(result::complete, result::completeExceptionally,
                () -> result.complete(null)));
    }

    /**
     * A {@link Completable} as a task: subscribes to it now; the handle completes with {@code null}
     * or its error. Cancelling the handle disposes the subscription; a runtime shutdown cancels the
     * handle and so disposes it too. No thread is held while it is pending.
     *
     * @param moirai the runtime the handle belongs to
     * @param completable the completable, subscribed once
     * @return the task's handle
     * @throws NullPointerException if an argument is null
     * @throws RejectedExecutionException if the runtime is shut down (then nothing is subscribed)
     */
    public static TaskHandle<Void> toTask(Moirai moirai, Completable completable) {
        Objects.requireNonNull(completable, "completable is null");
        return adopt(moirai, result -> completable.subscribe(() -> result.complete(null),
                result::completeExceptionally));
    }

    /** Adopts a future that {@code subscribe} completes; cancelling the handle disposes the subscription. */
    private static <T> TaskHandle<T> adopt(Moirai moirai, Function<CompletableFuture<T>, Disposable> subscribe) {
        Objects.requireNonNull(moirai, "moirai is null");
        CompletableFuture<T> result = new CompletableFuture<>();
        TaskHandle<T> task = moirai.fromCompletionStage(result);
        Disposable subscription = subscribe.apply(result);
        result.whenComplete((v, e) -> {
            if (result.isCancelled()) {
                subscription.dispose();
            }
        });
        return task;
    }

    /**
     * An RxJava scheduler on the runtime's compute workers, for CPU-bound work ({@code observeOn},
     * {@code subscribeOn}, time operators), like {@code Schedulers.computation()}. Immediate tasks are
     * handed to {@link Moirai#execute}; delayed and periodic ones wait on {@link Moirai#schedule}'s
     * timers. A running compute task cannot be preempted: disposing it (or its worker) stops what has
     * not started and lets the running task finish. Each call returns a new, started scheduler; shutting
     * one down affects no other scheduler and not the runtime.
     *
     * @param moirai the runtime whose compute workers run the tasks
     * @return a started scheduler
     * @throws NullPointerException if {@code moirai} is null
     */
    public static Scheduler scheduler(Moirai moirai) {
        return new MoiraiScheduler(Objects.requireNonNull(moirai, "moirai is null"), false);
    }

    /**
     * An RxJava scheduler on the runtime's blocking pool, for blocking I/O and waiting, like
     * {@code Schedulers.io()}. Tasks run through {@link Moirai#spawnBlocking}; delays wait on
     * {@link Moirai#schedule}'s timers (holding no blocking thread) and then hand the task to the pool.
     * Disposing a running task, or the worker running it, from another thread interrupts it, as
     * {@code Schedulers.io()} does, and so does shutting the scheduler down; the interrupt never
     * reaches a later task. Each call returns a new, started scheduler; shutting one down affects no
     * other scheduler and not the runtime.
     *
     * @param moirai the runtime whose blocking pool runs the tasks
     * @return a started scheduler
     * @throws NullPointerException if {@code moirai} is null
     */
    public static Scheduler blockingScheduler(Moirai moirai) {
        return new MoiraiScheduler(Objects.requireNonNull(moirai, "moirai is null"), true);
    }

    /**
     * Installs Moirai as RxJava's default schedulers, through {@link RxJavaPlugins}'s scheduler
     * handlers, so that RxJava code with no scheduler argument ({@code interval}, {@code delay},
     * {@code timeout}, {@code sample}, {@code buffer} with a time, ...) and code asking for
     * {@code Schedulers.xxx()} runs on the runtime's threads:
     * <ul>
     *   <li>{@code Schedulers.computation()}: the compute workers (as {@link #scheduler});</li>
     *   <li>{@code Schedulers.single()}: the compute workers, through one lane, so that its tasks
     *       (direct or on any of its workers) still run one at a time in order, never overlapping,
     *       though not always on the same thread;</li>
     *   <li>{@code Schedulers.io()} and {@code Schedulers.newThread()}: the blocking pool (as
     *       {@link #blockingScheduler}; the pool's threads take the place of RxJava's cached and
     *       per-worker threads).</li>
     * </ul>
     * Each of these calls then returns the same scheduler every time, as RxJava's defaults do, and
     * {@code Schedulers.shutdown()}/{@code start()} shut down and restart these schedulers (never the
     * runtime).
     *
     * <p><b>Threads a user sees.</b> RxJava's own pools ({@code RxComputationThreadPool-N},
     * {@code RxCachedThreadScheduler-N}, {@code RxSingleScheduler-N}, {@code RxNewThreadScheduler-N})
     * are never started; thread dumps show the runtime's threads instead: {@code <prefix>-worker-N} for
     * computation and single work, {@code <prefix>-blocking-N} for io and newThread work, where
     * {@code <prefix>} is the runtime's {@link Moirai.Builder#threadNamePrefix} ({@code "moirai"} by
     * default). Code that recognizes RxJava's threads by name must look for those names instead.
     * Moirai's workers are not RxJava's {@code NonBlockingThread}s, so
     * {@code RxJavaPlugins.setFailOnNonBlockingScheduler(true)} does not flag blocking calls on them.
     *
     * <p><b>Undo.</b> Disposing the returned {@link Disposable} sets each of the four handlers back to
     * the one it replaced, if it is still the one installed here (a handler replaced since, for instance
     * by {@code RxJavaPlugins.reset()}, is left alone; nested installations undo cleanly in reverse
     * order). It does not shut the installed schedulers down: work already scheduled on them ends on
     * Moirai's threads. Disposing twice does nothing. Undo before the runtime is shut down: after that,
     * the installed schedulers reject all work.
     *
     * <p><b>Lockdown.</b> After {@link RxJavaPlugins#lockdown()} the handlers cannot change: this
     * method throws {@link IllegalStateException} without installing anything, and disposing an
     * installation throws it too.
     *
     * <p>May be called from any thread; installs and undos are serialized among themselves. The
     * handlers are process-wide: install once, at start-up, before RxJava first uses a scheduler.
     *
     * @param moirai the runtime to run RxJava's default schedulers on
     * @return the installation; dispose it to restore the previous handlers
     * @throws NullPointerException if {@code moirai} is null
     * @throws IllegalStateException if RxJava's plugins are locked down
     */
    public static Disposable installDefaultSchedulers(Moirai moirai) {
        return DefaultSchedulers.install(Objects.requireNonNull(moirai, "moirai is null"));
    }
}

package io.moirai.reactor;

import io.moirai.Moirai;
import io.moirai.reactor.internal.ChannelFeed;
import io.moirai.reactor.internal.Dispatch;
import io.moirai.reactor.internal.MoiraiScheduler;
import io.moirai.reactor.internal.MoiraiSchedulersFactory;
import io.moirai.stream.Channel;
import io.moirai.task.TaskHandle;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Project Reactor on Moirai: task handles as {@link Mono}, Moirai's publishers (sockets, timers,
 * channels, streams) as {@link Flux}, and Reactor {@link Scheduler}s that run on a Moirai runtime's
 * threads, so a Reactor application and Moirai share one set of threads.
 *
 * <p><b>Blocking detection.</b> Loading this class registers {@link Moirai#isComputeThread} as a
 * Reactor non-blocking thread predicate ({@link Schedulers#registerNonBlockingThreadPredicate}): on a
 * Moirai compute worker {@link Schedulers#isInNonBlockingThread()} is {@code true} and
 * {@code Mono.block()} fails with {@code IllegalStateException}, as on Reactor's parallel scheduler.
 * On the blocking pool (see {@link #blockingScheduler}) blocking is allowed. (An application that calls
 * {@code Schedulers.resetNonBlockingThreadPredicate()} removes the registration.)
 *
 * <p><b>Default schedulers.</b> {@link #installDefaultSchedulers} makes Reactor's shared schedulers
 * ({@code Schedulers.parallel()}, {@code single()}, {@code boundedElastic()}) run on Moirai.
 *
 * <p>Threads: every method may be called from any thread.
 */
public final class MoiraiReactor {

    static {
        Schedulers.registerNonBlockingThreadPredicate(Moirai::isComputeThread);
    }

    private MoiraiReactor() {}

    /**
     * A task's handle as a {@code Mono}: its value, empty for a {@code null} result, its error if it
     * failed, {@code CancellationException} if it was cancelled. Each subscription reads the result
     * through its own handle subscription (demand-driven, §3.9 honoured). Cancelling the
     * {@code Mono}'s subscription cancels the task (a task that already finished is unaffected).
     *
     * @param task the task
     * @param <T> the result type
     * @return a {@code Mono} of the task's outcome
     * @throws NullPointerException if {@code task} is null
     */
    public static <T> Mono<T> toMono(TaskHandle<T> task) {
        Objects.requireNonNull(task, "task");
        // doFinally runs after the cancel reached the handle's subscription, so the task's own
        // CancellationException is not delivered to (and dropped by) the cancelled chain
        return Mono.fromDirect(task).doFinally(signal -> {
            if (signal == SignalType.CANCEL) {
                task.cancel();
            }
        });
    }

    /**
     * A {@code Mono} as a task: subscribes to it now, and the handle completes with its value,
     * {@code null} if it completes empty, or its error. Cancelling the handle disposes the
     * subscription; a runtime shutdown cancels the handle and so disposes it too. No thread is held
     * while the {@code Mono} is pending.
     *
     * @param moirai the runtime the handle belongs to
     * @param mono the {@code Mono}, subscribed once
     * @param <T> the value type
     * @return the task's handle
     * @throws NullPointerException if an argument is null
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is shut down (then the
     *     {@code Mono} is not subscribed)
     */
    public static <T> TaskHandle<T> toTask(Moirai moirai, Mono<T> mono) {
        Objects.requireNonNull(moirai, "moirai");
        Objects.requireNonNull(mono, "mono");
        CompletableFuture<T> result = new CompletableFuture<>();
        TaskHandle<T> task = moirai.fromCompletionStage(result);
        Disposable subscription = mono.subscribe(result::complete, result::completeExceptionally,
                () -> result.complete(null));
        result.whenComplete((v, e) -> {
            if (result.isCancelled()) {
                subscription.dispose();
            }
        });
        return task;
    }

    /**
     * A publisher as a {@code Flux} (no copy, no extra buffering: demand and cancellation pass
     * straight through).
     *
     * @param publisher any Reactive Streams publisher, for example {@code TcpConnection.inbound()},
     *     {@code Channel.receiver()} or {@code Moirai.interval(..)}
     * @param <T> the element type
     * @return the publisher as a {@code Flux}
     * @throws NullPointerException if {@code publisher} is null
     */
    public static <T> Flux<T> toFlux(Publisher<T> publisher) {
        return Flux.from(Objects.requireNonNull(publisher, "publisher"));
    }

    /**
     * A channel's feeding subscriber ({@link Channel#asSubscriber()}) as a Reactor
     * {@link CoreSubscriber}, for {@code flux.subscribe(MoiraiReactor.toSubscriber(channel))}. It
     * behaves exactly as {@code asSubscriber()} (it requests only what the channel can take, its
     * completion closes the channel, its error fails it, a second subscription is cancelled), but
     * Reactor passes it items directly instead of through the {@code StrictSubscriber} it wraps around
     * subscribers of other libraries, which costs atomic operations per item.
     *
     * @param channel the channel to feed
     * @param <T> the item type
     * @return the channel's feeding subscriber, as Reactor's own kind
     * @throws NullPointerException if {@code channel} is null
     */
    public static <T> CoreSubscriber<T> toSubscriber(Channel<T> channel) {
        return new ChannelFeed<>(Objects.requireNonNull(channel, "channel").asSubscriber());
    }

    /**
     * A Reactor scheduler on the runtime's compute workers (delays and periods on its timer wheel).
     * Each call returns a new scheduler. It keeps the contract of Reactor's own schedulers: a worker
     * runs its tasks one at a time in order; every task passes through {@code Schedulers.onSchedule};
     * a task that throws goes to the thread's uncaught-exception handler and the
     * {@code Schedulers.onHandleError} hooks; a task's {@code Disposable} reports {@code isDisposed()}
     * only once the task ended or was disposed. {@code dispose()} cancels its waiting tasks and
     * rejects new ones with {@code RejectedExecutionException}, {@code disposeGracefully()} lets the
     * accepted ones finish first; neither shuts the runtime down. {@code init()} after disposal throws
     * {@code IllegalStateException}; the deprecated {@code start()} restarts it.
     * {@code Scannable.from(scheduler)} reports its name, capacity (the number of workers), whether it
     * is disposed and how many tasks and workers it tracks; a worker also reports its scheduler as
     * {@code PARENT}. Tasks running on compute workers are never interrupted (the threads are shared).
     *
     * @param moirai the runtime
     * @return a scheduler for {@code publishOn}, {@code subscribeOn} and friends
     * @throws NullPointerException if {@code moirai} is null
     */
    public static Scheduler scheduler(Moirai moirai) {
        Objects.requireNonNull(moirai, "moirai");
        return new MoiraiScheduler(new Dispatch(moirai, false), "MoiraiReactor.scheduler(" + moirai + ")", false);
    }

    /**
     * A Reactor scheduler on the runtime's blocking pool: for work that blocks (where
     * {@code Mono.block()} is allowed). Same contract as {@link #scheduler}; in addition, disposing a
     * running task's {@code Disposable}, its worker or the scheduler interrupts the task, as on
     * Reactor's {@code boundedElastic()} (the interrupt never leaks into the thread's next task). Its
     * capacity is the pool's maximum size.
     *
     * @param moirai the runtime
     * @return a scheduler for blocking work
     * @throws NullPointerException if {@code moirai} is null
     */
    public static Scheduler blockingScheduler(Moirai moirai) {
        Objects.requireNonNull(moirai, "moirai");
        return new MoiraiScheduler(new Dispatch(moirai, true), "MoiraiReactor.blockingScheduler(" + moirai + ")", false);
    }

    /**
     * Makes Moirai Reactor's default schedulers, process-wide, until the returned {@code Disposable}
     * is disposed. Afterwards {@code Schedulers.parallel()} and {@code Schedulers.newParallel(..)} run
     * on the compute workers, {@code Schedulers.single()} and {@code newSingle(..)} on the compute
     * workers one task at a time (all tasks of one such scheduler are serial, as on Reactor's single
     * thread), and {@code Schedulers.boundedElastic()} and {@code newBoundedElastic(..)} on the
     * blocking pool; so operators with a default scheduler ({@code delayElements}, {@code interval},
     * {@code timeout}, {@code bufferTimeout}, ...) use Moirai's threads and timer wheel. Sizes and
     * thread factories passed to the {@code newXxx} methods are ignored: the runtime's settings apply.
     *
     * <p>It goes through {@code Schedulers.setFactoryWithSnapshot}: the shared schedulers Reactor had
     * created before are set aside, not disposed, and come back with the previous factory when the
     * returned {@code Disposable} is disposed (its first {@code dispose()}; later calls do nothing);
     * the Moirai-backed shared schedulers are then disposed, the runtime keeps running. Install once,
     * at startup, and undo before closing the runtime; installations nest only if undone in reverse
     * order. Like every {@code Schedulers.setFactory} call this changes global state: tests that
     * install it should undo it in their teardown.
     *
     * @param moirai the runtime to run Reactor's default schedulers on
     * @return the undo: restores Reactor's previous factory and shared schedulers
     * @throws NullPointerException if {@code moirai} is null
     */
    public static Disposable installDefaultSchedulers(Moirai moirai) {
        Objects.requireNonNull(moirai, "moirai");
        return MoiraiSchedulersFactory.install(moirai);
    }
}

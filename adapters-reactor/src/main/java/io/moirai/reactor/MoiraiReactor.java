package io.moirai.reactor;

import io.moirai.Moirai;
import io.moirai.reactor.internal.Dispatch;
import io.moirai.reactor.internal.MoiraiScheduler;
import io.moirai.task.TaskHandle;
import java.util.Objects;
import org.reactivestreams.Publisher;
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
     * A Reactor scheduler on the runtime's compute workers (delays and periods on its timer wheel).
     * Each call returns a new scheduler; disposing it rejects its further tasks and cancels its
     * pending ones, but never shuts the runtime down. {@code Scannable.from(scheduler)} reports its
     * name and capacity (the number of workers).
     *
     * @param moirai the runtime
     * @return a scheduler for {@code publishOn}, {@code subscribeOn} and friends
     * @throws NullPointerException if {@code moirai} is null
     */
    public static Scheduler scheduler(Moirai moirai) {
        Objects.requireNonNull(moirai, "moirai");
        return new MoiraiScheduler(new Dispatch(moirai, false), "MoiraiReactor.scheduler(" + moirai + ")");
    }

    /**
     * A Reactor scheduler on the runtime's blocking pool: for work that blocks (where
     * {@code Mono.block()} is allowed). Same lifecycle as {@link #scheduler}; its capacity is the
     * pool's maximum size.
     *
     * @param moirai the runtime
     * @return a scheduler for blocking work
     * @throws NullPointerException if {@code moirai} is null
     */
    public static Scheduler blockingScheduler(Moirai moirai) {
        Objects.requireNonNull(moirai, "moirai");
        return new MoiraiScheduler(new Dispatch(moirai, true), "MoiraiReactor.blockingScheduler(" + moirai + ")");
    }
}

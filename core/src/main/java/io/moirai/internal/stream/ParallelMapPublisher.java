package io.moirai.internal.stream;

import io.moirai.internal.runtime.RuntimeCore;
import io.moirai.internal.scheduler.OneShotJob;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;

/**
 * {@code Streams.parallelMap}: maps the source's items on the compute workers, at most
 * {@code parallelism} mapper calls at once, and emits the results in source order.
 *
 * <p>Cold: each subscriber subscribes to the source anew and gets its own {@link ParallelMapSubscription}.
 *
 * @param <T> the source's item type
 * @param <R> the result type
 */
public final class ParallelMapPublisher<T, R> implements Publisher<R> {

    private final RuntimeCore runtime;
    private final Publisher<? extends T> source;
    private final Function<? super T, ? extends R> mapper;
    private final int parallelism;

    /**
     * @param runtime the runtime whose workers map and emit
     * @param source the items to map
     * @param mapper the mapping, called on the compute workers
     * @param parallelism the most mapper calls in flight, at least 1
     */
    public ParallelMapPublisher(RuntimeCore runtime, Publisher<? extends T> source,
            Function<? super T, ? extends R> mapper, int parallelism) {
        this.runtime = runtime;
        this.source = source;
        this.mapper = mapper;
        this.parallelism = parallelism;
    }

    @Override
    public void subscribe(Subscriber<? super R> s) {
        ParallelMapSubscription<T, R> sub = DrainSubscription.subscribe(runtime, s,
                rt -> new ParallelMapSubscription<>(rt, mapper, parallelism, s));
        if (sub == null) {
            return;
        }
        if (source instanceof IterablePublisher<? extends T> iterable && iterable.runtime() == runtime) {
            sub.pullFrom(iterable.items()); // Moirai's own source: the drain takes its items itself
            return;
        }
        try {
            source.subscribe(sub.input);
        } catch (Throwable t) {
            sub.input.onError(t); // §1.9 says subscribe must not throw; if it does, the subscriber hears it
        }
    }

    @Override
    public String toString() {
        return "Streams.parallelMap(" + source + ", parallelism " + parallelism + ")";
    }

    /** A runner job: maps items until none is left. */
    static final class Runner extends OneShotJob {

        private final ParallelMapSubscription<?, ?> owner;

        Runner(ParallelMapSubscription<?, ?> owner) {
            super(owner.scheduler);
            this.owner = owner;
        }

        @Override
        protected void runOnce() {
            owner.runLoop();
        }

        @Override
        protected void abandoned() {
            owner.shutDown(); // the runtime drops its queued jobs: the map ends cancelled
            owner.signal();
        }
    }
}

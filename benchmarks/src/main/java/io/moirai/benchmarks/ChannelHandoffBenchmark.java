package io.moirai.benchmarks;

import io.moirai.Moirai;
import io.moirai.reactor.MoiraiReactor;
import io.moirai.rxjava3.MoiraiRx;
import io.moirai.stream.Channel;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.FlowableSubscriber;
import io.reactivex.rxjava3.processors.MulticastProcessor;
import io.reactivex.rxjava3.processors.UnicastProcessor;
import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;

/**
 * Cross-thread handoff through a bounded buffer: each invocation moves {@value #ITEMS} items from
 * a producer to a consumer on another thread through a buffer of {@value #CAPACITY}, and waits until
 * the consumer has seen the last one and the completion signal. Reported as <b>items per
 * microsecond, i.e. millions of items per second</b> ({@code @OperationsPerInvocation(1_000_000)},
 * throughput mode, {@code ops/us}). The consumer is the same class in every row: it requests
 * {@code Long.MAX_VALUE} in {@code onSubscribe}, checks that every item is the next integer
 * ({@code 0, 1, 2, ...}), counts them and releases the waiting JMH thread on {@code onComplete}. A
 * lost, duplicated or reordered item, an error, or no completion within 60 s fails the run (a hang is
 * reported with the peer's state instead of producing a number). The consumer also counts the items
 * it received on the JMH thread itself; a row that delivers on the producer's thread is no handoff,
 * and a warning is printed on stderr if that happens.
 *
 * <p><b>Push rows</b>: the JMH thread is the producer. It pushes {@value #ITEMS} items from one
 * array of boxed {@code Integer}s made once per fork (so no row allocates per item on the producer
 * side), then completes the stream. When the buffer is full a row waits the way its library lets a
 * producer wait.
 * <ul>
 *   <li>{@link #moiraiTrySend}: {@code Channel.bounded(moirai, 256)}; the receiver's subscriber runs
 *       on a compute worker. Producer: {@code trySend(item)}, and when that returns {@code false}
 *       (full) {@code send(item).join()}, which parks the producer until the channel has taken the
 *       item (after a short spin inside {@code join}); then {@code close()}. Moirai's idiomatic
 *       producer. <b>The Moirai reference row for the push family.</b>
 *   <li>{@link #moiraiTrySendSpin}: extra row: the same channel, but the producer retries
 *       {@code trySend} with {@code Thread.onSpinWait()} when full, the strategy the Reactor and RxJava
 *       rows below must use; shows what the park in {@code send(..).join()} costs or saves.
 *   <li>{@link #reactorSink}: {@code Sinks.many().unicast().onBackpressureBuffer(Queues.get(256).get())}
 *       (the default, thread-safe sink; its queue is a bounded SPSC array of 256), consumed through
 *       {@code asFlux().hide().publishOn(scheduler, 256)}. Producer: {@code tryEmitNext(item)}, retried
 *       with {@code Thread.onSpinWait()} while it returns {@code FAIL_OVERFLOW} (what
 *       {@code emitNext(item, handler)} with a handler that retries on overflow does; Reactor has no
 *       blocking emit); then {@code tryEmitComplete()}. {@code hide()} keeps {@code publishOn} from
 *       fusing with the sink, so the items pass through the sink's queue and then through
 *       {@code publishOn}'s queue of 256: twice the slack Moirai's one buffer of 256 has.
 *   <li>{@link #reactorSinkAsyncFused}: the same without {@code hide()}, what a Reactor user writes:
 *       {@code publishOn} fuses with the sink in <em>asynchronous</em> mode, i.e. its worker polls the
 *       sink's queue of 256 directly. Unlike the fused {@code range} rows below, every item
 *       still crosses from the producer thread to the worker through one bounded queue, so this is a
 *       real handoff and a reference row, labelled as fused.
 *   <li>{@link #rxjavaProcessor}: RxJava's bounded push processor,
 *       {@code MulticastProcessor.create(256)} started with {@code start()} (a fixed buffer of 256),
 *       consumed through {@code hide().observeOn(Schedulers.computation(), false, 256)}. Producer:
 *       {@code offer(item)}, retried with {@code Thread.onSpinWait()} while it returns {@code false}
 *       (full); then {@code onComplete()}.
 *   <li>{@link #rxjavaUnicastProcessor}: extra row, not like for like: {@code UnicastProcessor.create(256)}
 *       with {@code hide().observeOn(computation(), false, 256)}. RxJava's {@code UnicastProcessor}
 *       buffer is <em>unbounded</em> (256 is only its chunk size), so {@code onNext} never refuses an
 *       item and the producer never waits: this row has no bounded buffer between the threads.
 *   <li>{@link #submissionPublisher}: {@code new SubmissionPublisher<>(executor, 256)} on a
 *       {@code ThreadPoolExecutor} of {@code n} prestarted threads; producer {@code submit(item)},
 *       which blocks while the buffer is full; then {@code close()}.
 *   <li>{@link #submissionPublisherForkJoin}: extra row, <b>not a handoff</b>: the same on a
 *       dedicated {@code new ForkJoinPool(n)}. There a producer blocked in {@code submit} helps the
 *       pool ({@code ForkJoinPool.helpAsyncBlocker}) and runs the consumer task itself: in the smoke
 *       run 975,360 of 1,000,000 items were consumed on the producing JMH thread (the consumer's
 *       check prints a warning), so the items mostly do not cross threads.
 * </ul>
 *
 * <p><b>Source rows</b>: a {@code range} publisher feeds the handoff; the JMH thread subscribes and
 * waits. The range emits on whichever thread requests from it: the first request (256) comes from the
 * subscribing JMH thread, every later one from the consumer side, so in every library the rest of the
 * range is iterated on the consumer's thread (a diagnostic run counted 256 of the 1,000,000 items
 * produced on the JMH thread in each of {@code moiraiFluxRange}, {@code reactorRange} and
 * {@code rxjavaRange}). These rows therefore measure one thread passing items through the buffer
 * (produce, enqueue, dequeue, consume), not items crossing from a producer thread; the push rows
 * measure that. The range boxes each item ({@code Integer.valueOf}) in every source row.
 * <ul>
 *   <li>{@link #moiraiFluxRange}: {@code Flux.range(0, 1_000_000).subscribe(channel.asSubscriber())}
 *       into {@code Channel.bounded(moirai, 256)}, whose {@code asSubscriber()} requests only what fits;
 *       the receiver's subscriber runs on a compute worker. Reactor wraps a subscriber that is not its
 *       own {@code CoreSubscriber} in a {@code StrictSubscriber} (an atomic guard per item): a cost a
 *       user of this form pays. <b>The Moirai reference row for the source family.</b>
 *   <li>{@link #moiraiFluxRangeAdapter}, {@link #moiraiFlowableRangeAdapter}: the same fed through
 *       the adapters' {@code MoiraiReactor.toSubscriber(channel)} and {@code MoiraiRx.toSubscriber(channel)},
 *       which each library takes as its own kind of subscriber, so it passes items without a
 *       {@code StrictSubscriber}: what a Reactor or RxJava user of the adapters writes.
 *   <li>{@link #reactorRange}: {@code Flux.range(..).hide().publishOn(scheduler, 256)}, as
 *       METHOD.md prescribes.
 *   <li>{@link #rxjavaRange}: {@code Flowable.range(..).hide().observeOn(computation(), false, 256)}.
 *   <li>{@link #reactorRangeFused}, {@link #rxjavaRangeFused}: <b>extra rows, fused</b>: the same
 *       without {@code hide()}. The range fuses synchronously into {@code publishOn}/{@code observeOn}
 *       and is iterated on the consumer thread: no item crosses threads, so these are not handoffs and
 *       not references (the reference figures in METHOD.md give 550-610 M items/s for them).
 * </ul>
 *
 * <p><b>Fairness.</b> {@code n} is the {@code workers} parameter ({@code auto} =
 * {@link Runtime#availableProcessors()}). Moirai gets {@code workerThreads(n)}; Reactor a dedicated
 * {@code Schedulers.newParallel("bench-reactor", n)} (the same implementation as
 * {@code Schedulers.parallel()}, sized to {@code n}); the {@code SubmissionPublisher} a
 * {@code ThreadPoolExecutor} of {@code n} threads (and a {@code ForkJoinPool(n)} in its extra row).
 * RxJava's {@code Schedulers.computation()} sizes itself to the available processors ({@code n} at the
 * default) and is used as its users use it; with {@code -p workers=k} add
 * {@code -jvmArgsAppend -Drx3.computation-threads=k} to size it too. A single stream's consumer
 * occupies one of those threads in every library. The consumer implements Reactor's
 * {@code CoreSubscriber} and RxJava's {@code FlowableSubscriber}, so neither library wraps it in a
 * per-item serializing {@code StrictSubscriber}. Every peer gets a fresh channel, sink, processor or
 * publisher per invocation (negligible beside 1,000,000 items); pools are made once per trial, each
 * peer's pool only in its own rows' forks. All rows run in one JMH invocation with the same JVM flags.
 * Warm-up is 10 x 1 s: an invocation takes 10-100 ms and the drain loops need several iterations of
 * JIT.
 *
 * <p><b>Targets</b> (issue 4), medians of at least three forks on the same run, like with like:
 * {@link #moiraiTrySend} at least 1.2x the best of {@link #reactorSink},
 * {@link #reactorSinkAsyncFused} and {@link #rxjavaProcessor}, and at least 3x
 * {@link #submissionPublisher}; {@link #moiraiFluxRange} at least 1.2x the best of
 * {@link #reactorRange} and {@link #rxjavaRange}. the reference figures in METHOD.md give 99 (Reactor) and 92
 * (RxJava) M items/s for the hidden range rows and 13-14 M items/s for {@code SubmissionPublisher}
 * on this kind of machine.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(ChannelHandoffBenchmark.ITEMS)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChannelHandoffBenchmark {

    /** Items handed over per invocation, and operations per invocation. */
    static final int ITEMS = 1_000_000;

    /** The bounded buffer between producer and consumer. */
    static final int CAPACITY = 256;

    /** Longest wait for a completion or for one blocked send before the run fails. */
    static final Duration AWAIT = Duration.ofSeconds(60);

    /** The items the push rows send: boxed once, so the producers allocate nothing per item. */
    static final Integer[] BOXED = boxed();

    private static Integer[] boxed() {
        Integer[] items = new Integer[ITEMS];
        for (int i = 0; i < ITEMS; i++) {
            items[i] = i;
        }
        return items;
    }

    /** Parameters shared by every peer's state. */
    @State(Scope.Benchmark)
    public static class Config {
        /** Threads for Moirai and the sized peers: {@code auto} or a positive count. */
        @Param(BenchSupport.AUTO)
        public String workers;
    }

    /**
     * The consumer of every row: requests everything, checks the order, counts, and releases the JMH
     * thread on completion. Signals are serial (§1.3), so the plain fields are written by one thread
     * at a time; the JMH thread reads them after the latch, which orders them before its read.
     */
    static final class Tally extends Terminal<Integer> implements FlowableSubscriber<Integer>,
            Flow.Subscriber<Integer> {
        private final Thread caller = Thread.currentThread();
        private int next;
        private int outOfOrder;
        private int onCaller;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Integer item) {
            if (item != next) {
                outOfOrder++;
            }
            if (Thread.currentThread() == caller) {
                onCaller++;
            }
            next++;
        }

        /** Waits for the completion and checks what arrived; {@code state} describes the peer on failure. */
        Tally await(String row, Supplier<String> state) throws InterruptedException {
            awaitTerminal(row, AWAIT, () -> next + " items", state);
            if (next != ITEMS || outOfOrder != 0) {
                throw new IllegalStateException(row + ": received " + next + " items, " + outOfOrder
                        + " out of order; expected " + ITEMS + " in order");
            }
            if (onCaller != 0) {
                warnOnce(row + ": " + onCaller + " of " + ITEMS
                        + " items were delivered on the producing JMH thread, not handed to another thread");
            }
            return this;
        }
    }

    private static volatile boolean warned;

    static void warnOnce(String message) {
        if (!warned) {
            warned = true;
            System.err.println("WARNING: " + message);
        }
    }

    // ---------------------------------------------------------------- Moirai

    /** A Moirai runtime with {@code n} compute workers. */
    @State(Scope.Benchmark)
    public static class MoiraiState {
        Moirai moirai;

        @Setup(Level.Trial)
        public void setUp(Config config) {
            moirai = BenchSupport.newMoirai(BenchSupport.workers(config.workers));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            BenchSupport.shutdown(moirai);
        }

        String state() {
            return String.valueOf(moirai.metrics());
        }
    }

    /** Moirai: {@code trySend}, falling back to {@code send(item).join()} when the channel is full. */
    @Benchmark
    public Tally moiraiTrySend(MoiraiState s) throws Exception {
        Channel<Integer> channel = Channel.bounded(s.moirai, CAPACITY);
        Tally tally = new Tally();
        channel.receiver().subscribe(tally);
        Integer[] items = BOXED;
        for (int i = 0; i < ITEMS; i++) {
            Integer item = items[i];
            if (!channel.trySend(item)) {
                try {
                    channel.send(item).join(AWAIT);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("moiraiTrySend: send(" + i + ") not enqueued after " + AWAIT
                            + "; " + tally.next + " items received; " + s.state(), e);
                }
            }
        }
        channel.close();
        return tally.await("moiraiTrySend", s::state);
    }

    /** Extra row: Moirai with the peers' producer strategy: retry {@code trySend} with {@code onSpinWait}. */
    @Benchmark
    public Tally moiraiTrySendSpin(MoiraiState s) throws InterruptedException {
        Channel<Integer> channel = Channel.bounded(s.moirai, CAPACITY);
        Tally tally = new Tally();
        channel.receiver().subscribe(tally);
        Integer[] items = BOXED;
        for (int i = 0; i < ITEMS; i++) {
            Integer item = items[i];
            while (!channel.trySend(item)) {
                Thread.onSpinWait();
            }
        }
        channel.close();
        return tally.await("moiraiTrySendSpin", s::state);
    }

    /** Moirai: {@code Flux.range} feeds {@code channel.asSubscriber()}; the receiver counts. */
    @Benchmark
    public Tally moiraiFluxRange(MoiraiState s) throws InterruptedException {
        return feedChannel(s, "moiraiFluxRange", ch -> Flux.range(0, ITEMS).subscribe(ch.asSubscriber()));
    }

    /** Moirai: {@code Flux.range} feeds {@code MoiraiReactor.toSubscriber(channel)}; the receiver counts. */
    @Benchmark
    public Tally moiraiFluxRangeAdapter(MoiraiState s) throws InterruptedException {
        return feedChannel(s, "moiraiFluxRangeAdapter", ch -> Flux.range(0, ITEMS).subscribe(MoiraiReactor.toSubscriber(ch)));
    }

    /** Moirai: {@code Flowable.range} feeds {@code MoiraiRx.toSubscriber(channel)}; the receiver counts. */
    @Benchmark
    public Tally moiraiFlowableRangeAdapter(MoiraiState s) throws InterruptedException {
        return feedChannel(s, "moiraiFlowableRangeAdapter", ch -> Flowable.range(0, ITEMS).subscribe(MoiraiRx.toSubscriber(ch)));
    }

    /** A channel whose receiver counts, fed with {@value #ITEMS} items by {@code feed}. */
    private static Tally feedChannel(MoiraiState s, String row, java.util.function.Consumer<Channel<Integer>> feed)
            throws InterruptedException {
        Channel<Integer> channel = Channel.bounded(s.moirai, CAPACITY);
        Tally tally = new Tally();
        channel.receiver().subscribe(tally);
        feed.accept(channel);
        return tally.await(row, s::state);
    }

    // ---------------------------------------------------------------- Reactor

    /** A dedicated {@code Schedulers.newParallel(n)}. */
    @State(Scope.Benchmark)
    public static class ReactorState {
        Scheduler scheduler;

        @Setup(Level.Trial)
        public void setUp(Config config) {
            scheduler = Schedulers.newParallel("bench-reactor", BenchSupport.workers(config.workers));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (scheduler != null) {
                scheduler.dispose();
            }
        }
    }

    /** Reactor: a bounded unicast sink, {@code hide().publishOn(scheduler, 256)}. */
    @Benchmark
    public Tally reactorSink(ReactorState s) throws InterruptedException {
        return reactorSink(s, true, "reactorSink");
    }

    /** Reactor: the same sink, {@code publishOn} fused with it asynchronously (still a handoff). */
    @Benchmark
    public Tally reactorSinkAsyncFused(ReactorState s) throws InterruptedException {
        return reactorSink(s, false, "reactorSinkAsyncFused");
    }

    private static Tally reactorSink(ReactorState s, boolean hide, String row) throws InterruptedException {
        Sinks.Many<Integer> sink = Sinks.many().unicast().onBackpressureBuffer(Queues.<Integer>get(CAPACITY).get());
        Flux<Integer> flux = hide ? sink.asFlux().hide() : sink.asFlux();
        Tally tally = new Tally();
        flux.publishOn(s.scheduler, CAPACITY).subscribe(tally);
        Integer[] items = BOXED;
        for (int i = 0; i < ITEMS; i++) {
            Integer item = items[i];
            Sinks.EmitResult result;
            while ((result = sink.tryEmitNext(item)) == Sinks.EmitResult.FAIL_OVERFLOW) {
                Thread.onSpinWait();
            }
            if (result.isFailure()) {
                throw new IllegalStateException(row + ": tryEmitNext(" + i + ") returned " + result);
            }
        }
        sink.tryEmitComplete().orThrow();
        return tally.await(row, () -> "sink " + sink.scan(Scannable.Attr.BUFFERED) + " buffered");
    }

    /** Reactor: {@code Flux.range(..).hide().publishOn(scheduler, 256)}. */
    @Benchmark
    public Tally reactorRange(ReactorState s) throws InterruptedException {
        Tally tally = new Tally();
        Flux.range(0, ITEMS).hide().publishOn(s.scheduler, CAPACITY).subscribe(tally);
        return tally.await("reactorRange", () -> "Flux.range");
    }

    /** Extra row, fused: {@code Flux.range(..).publishOn(scheduler, 256)}; no item crosses threads. */
    @Benchmark
    public Tally reactorRangeFused(ReactorState s) throws InterruptedException {
        Tally tally = new Tally();
        Flux.range(0, ITEMS).publishOn(s.scheduler, CAPACITY).subscribe(tally);
        return tally.await("reactorRangeFused", () -> "Flux.range");
    }

    // ---------------------------------------------------------------- RxJava

    /** RxJava: {@code MulticastProcessor.create(256)} + {@code offer}, {@code hide().observeOn(computation())}. */
    @Benchmark
    public Tally rxjavaProcessor() throws InterruptedException {
        MulticastProcessor<Integer> processor = MulticastProcessor.create(CAPACITY);
        processor.start();
        Tally tally = new Tally();
        processor.hide().observeOn(io.reactivex.rxjava3.schedulers.Schedulers.computation(), false, CAPACITY)
                .subscribe(tally);
        Integer[] items = BOXED;
        for (int i = 0; i < ITEMS; i++) {
            Integer item = items[i];
            while (!processor.offer(item)) {
                Thread.onSpinWait();
            }
        }
        processor.onComplete();
        return tally.await("rxjavaProcessor", () -> "MulticastProcessor");
    }

    /** Extra row: {@code UnicastProcessor} (unbounded buffer: the producer never waits). */
    @Benchmark
    public Tally rxjavaUnicastProcessor() throws InterruptedException {
        UnicastProcessor<Integer> processor = UnicastProcessor.create(CAPACITY);
        Tally tally = new Tally();
        processor.hide().observeOn(io.reactivex.rxjava3.schedulers.Schedulers.computation(), false, CAPACITY)
                .subscribe(tally);
        Integer[] items = BOXED;
        for (int i = 0; i < ITEMS; i++) {
            processor.onNext(items[i]);
        }
        processor.onComplete();
        return tally.await("rxjavaUnicastProcessor", () -> "UnicastProcessor");
    }

    /** RxJava: {@code Flowable.range(..).hide().observeOn(computation(), false, 256)}. */
    @Benchmark
    public Tally rxjavaRange() throws InterruptedException {
        Tally tally = new Tally();
        Flowable.range(0, ITEMS).hide()
                .observeOn(io.reactivex.rxjava3.schedulers.Schedulers.computation(), false, CAPACITY)
                .subscribe(tally);
        return tally.await("rxjavaRange", () -> "Flowable.range");
    }

    /** Extra row, fused: {@code Flowable.range(..).observeOn(computation(), false, 256)}; no item crosses threads. */
    @Benchmark
    public Tally rxjavaRangeFused() throws InterruptedException {
        Tally tally = new Tally();
        Flowable.range(0, ITEMS)
                .observeOn(io.reactivex.rxjava3.schedulers.Schedulers.computation(), false, CAPACITY)
                .subscribe(tally);
        return tally.await("rxjavaRangeFused", () -> "Flowable.range");
    }

    // ---------------------------------------------------------------- SubmissionPublisher

    /** A {@code ThreadPoolExecutor} of {@code n} prestarted threads for the {@code SubmissionPublisher}. */
    @State(Scope.Benchmark)
    public static class JdkState {
        ThreadPoolExecutor executor;

        @Setup(Level.Trial)
        public void setUp(Config config) {
            int n = BenchSupport.workers(config.workers);
            executor = new ThreadPoolExecutor(n, n, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
            executor.prestartAllCoreThreads();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            BenchSupport.shutdown(executor);
        }
    }

    /** A dedicated {@code ForkJoinPool(n)} for the extra {@code SubmissionPublisher} row. */
    @State(Scope.Benchmark)
    public static class JdkForkJoinState {
        ForkJoinPool pool;

        @Setup(Level.Trial)
        public void setUp(Config config) {
            pool = new ForkJoinPool(BenchSupport.workers(config.workers));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            BenchSupport.shutdown(pool);
        }
    }

    /** {@code SubmissionPublisher(executor of n threads, 256)}: {@code submit} blocks while full, then {@code close}. */
    @Benchmark
    public Tally submissionPublisher(JdkState s) throws InterruptedException {
        return submissionPublisher(s.executor, "submissionPublisher");
    }

    /**
     * Extra row, not a handoff: the same on a {@code ForkJoinPool(n)}, where the blocked producer helps
     * by running the consumer task itself.
     */
    @Benchmark
    public Tally submissionPublisherForkJoin(JdkForkJoinState s) throws InterruptedException {
        return submissionPublisher(s.pool, "submissionPublisherForkJoin");
    }

    private static Tally submissionPublisher(Executor executor, String row) throws InterruptedException {
        Tally tally = new Tally();
        try (SubmissionPublisher<Integer> publisher = new SubmissionPublisher<>(executor, CAPACITY)) {
            publisher.subscribe(tally);
            Integer[] items = BOXED;
            for (int i = 0; i < ITEMS; i++) {
                publisher.submit(items[i]);
            }
        } // close(): the subscriber gets onComplete after the buffered items
        return tally.await(row, () -> String.valueOf(executor));
    }
}

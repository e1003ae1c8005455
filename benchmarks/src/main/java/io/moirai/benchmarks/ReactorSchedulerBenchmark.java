package io.moirai.benchmarks;

import io.moirai.Moirai;
import io.moirai.reactor.MoiraiReactor;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Reactor's own operators on a Moirai scheduler ({@code MoiraiReactor.scheduler(moirai)}) versus the
 * scheduler Reactor users reach for, {@code Schedulers.parallel()}-style, with the same thread count.
 *
 * <p><b>Rows.</b>
 * <ul>
 *   <li>{@code publishOn*}: {@code Flux.range(0, 1_000_000).hide().publishOn(s)} consumed by the JMH
 *       thread's {@code blockLast()}; one operation is one item ({@code @OperationsPerInvocation}), so
 *       the score in {@code ops/us} is millions of items per second crossing from the JMH thread to a
 *       scheduler thread. {@code hide()} keeps Reactor from fusing the range into {@code publishOn}
 *       (fused, no item crosses threads at all; see METHOD.md), so every row pays the handoff
 *       through {@code publishOn}'s queue (prefetch 256, the default).
 *   <li>{@code publishOnSmallBuffer*} (issue 13): the same with {@code publishOn(s, 16)}: a queue of 16,
 *       replenished 12 at a time, so the request-and-drain round that the default prefetch makes every
 *       192 items comes every 12 and its cost shows (after the first request, the range emits on the
 *       thread that requests more, as in {@code RxSchedulerBenchmark}'s {@code observeOn} rows).
 *   <li>{@code subscribeOn*}: {@code Mono.fromCallable(task).subscribeOn(s).block()}: one task's round
 *       trip from the JMH thread to a scheduler thread and back, microseconds per operation.
 *   <li>{@code flatMap*} (issue 13): fan-out through Reactor's operators:
 *       {@code Flux.range(0, 10_000).flatMap(i -> Mono.fromCallable(task).subscribeOn(s)).count().block()}
 *       from the JMH thread; {@code flatMap}'s default concurrency (256 inner subscriptions at a time,
 *       each a task on {@code s}), the count checked. One operation is one inner task, so the score in
 *       {@code ops/us} is millions of tasks per second.
 *   <li>{@code interval*} and {@code delayElements*} (issue 13): the cost of a timer tick. Each
 *       invocation subscribes {@value #TIMER_SUBSCRIPTIONS} concurrent
 *       {@code Flux.interval(1 ms, s).take(100).count()} (or
 *       {@code Flux.range(0, 100).delayElements(1 ms, s).count()}: every item is delayed by a fresh
 *       {@code Mono.delay(1 ms, s)}, one timer per item) and waits until every one has counted its
 *       {@value #TIMER_TICKS} ticks. <b>The figure is the secondary score {@code :cpuTick}</b>: CPU
 *       nanoseconds per tick, summed over every Java thread of the process ({@link TickCpu}). The wall
 *       clock cannot show a tick's cost here: a batch lasts at least 100 periods whatever a tick costs
 *       (the primary score, wall time per tick, sits at that floor, 1 ms /
 *       {@value #TIMER_SUBSCRIPTIONS} = 3.9 µs, or above it where a timer rounds the delay up to its
 *       tick), and a load heavy enough to saturate the cores would make the periodic tasks overdue, so
 *       that {@code interval} stops arming a timer per tick. At {@value #TIMER_SUBSCRIPTIONS} concurrent
 *       1 ms timers (256,000 ticks per second: at 1 µs per tick, an eighth of 2 cores) the load stays
 *       well below saturation and each tick pays the whole path: arm a timer, expire it, wake a thread,
 *       hand over to the scheduler's thread, {@code onNext}, park again. The subscriptions start within
 *       about a millisecond of each other, so their ticks fall at scattered instants within each
 *       period, as independent timers do; a wheel with a 1 ms tick expires them in batches, a delay
 *       queue by due time.
 * </ul>
 * {@code s} is {@code MoiraiReactor.scheduler(moirai)} on a runtime with {@code n} compute workers
 * (the {@code *Moirai} rows) or {@code Schedulers.newParallel("bench-parallel", n)}, which is exactly
 * what {@code Schedulers.parallel()} is when {@code n} equals the available processors (the
 * {@code *Parallel} rows: the reference; {@code parallel()} is the default scheduler of
 * {@code interval} and {@code delayElements}). The timer rows also run on
 * {@code Schedulers.newSingle("bench-single")} (the {@code *Single} rows, also a reference: one
 * thread and one delay queue, no hand-off between threads, so possibly the cheaper Reactor timer). All are created
 * once per trial. All rows run in one JMH invocation with the same JVM flags.
 *
 * <p>Targets: issue 5, Moirai at least 1.0x the {@code parallel} scheduler in {@code publishOn} and
 * {@code subscribeOn}; issue 13, the new rows ({@code publishOnSmallBuffer}, {@code flatMap},
 * {@code interval}, {@code delayElements}) at least 1.0x, against the best reference of each.
 */
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReactorSchedulerBenchmark {

    /** Items per {@code publishOn} invocation. */
    static final int ITEMS = 1_000_000;

    /** The {@code publishOn} queue of the {@code publishOnSmallBuffer*} rows. */
    static final int SMALL_BUFFER = 16;

    /** Inner tasks per {@code flatMap} invocation. */
    static final int FAN_OUT = 10_000;

    /** Concurrent timer subscriptions per {@code interval}/{@code delayElements} invocation. */
    static final int TIMER_SUBSCRIPTIONS = 256;

    /** Ticks (or delayed items) per timer subscription. */
    static final int TIMER_TICKS = 100;

    /** Ticks per timer invocation. */
    static final int TIMER_BATCH = TIMER_SUBSCRIPTIONS * TIMER_TICKS;

    /** The period of {@code interval} and the delay of {@code delayElements}. */
    static final Duration TIMER_PERIOD = Duration.ofMillis(1);

    /** The schedulers under test, created once per trial. */
    @State(Scope.Benchmark)
    public static class Peers {
        /** Threads for both schedulers: {@code auto} (available processors) or a positive count. */
        @Param(BenchSupport.AUTO)
        public String workers;

        Moirai moirai;
        Scheduler moiraiScheduler;
        Scheduler parallel;
        Scheduler single;
        final Callable<Integer> task = () -> 1_000 + (int) (System.nanoTime() & 7);

        @Setup(Level.Trial)
        public void setUp() {
            int n = BenchSupport.workers(workers);
            moirai = BenchSupport.newMoirai(n);
            moiraiScheduler = MoiraiReactor.scheduler(moirai);
            parallel = Schedulers.newParallel("bench-parallel", n);
            single = Schedulers.newSingle("bench-single");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            moiraiScheduler.dispose();
            parallel.dispose();
            single.dispose();
            BenchSupport.shutdown(moirai);
        }
    }

    private static Integer publishOn(Scheduler s) {
        return Flux.range(0, ITEMS).hide().publishOn(s).blockLast();
    }

    /** Moirai: 1 M items through {@code hide().publishOn(MoiraiReactor.scheduler(moirai))}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(ITEMS)
    public Integer publishOnMoirai(Peers s) {
        return publishOn(s.moiraiScheduler);
    }

    /** Reference: 1 M items through {@code hide().publishOn(newParallel(n))}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(ITEMS)
    public Integer publishOnParallel(Peers s) {
        return publishOn(s.parallel);
    }

    /** Moirai: one {@code fromCallable(..).subscribeOn(..).block()} round trip. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Integer subscribeOnMoirai(Peers s) {
        return Mono.fromCallable(s.task).subscribeOn(s.moiraiScheduler).block();
    }

    /** Reference: one {@code fromCallable(..).subscribeOn(newParallel(n)).block()} round trip. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Integer subscribeOnParallel(Peers s) {
        return Mono.fromCallable(s.task).subscribeOn(s.parallel).block();
    }

    // ---------------------------------------------------------------- publishOn, small buffer (issue 13)

    private static Integer publishOnSmallBuffer(Scheduler s) {
        Integer last = Flux.range(0, ITEMS).hide().publishOn(s, SMALL_BUFFER).blockLast();
        if (last == null || last != ITEMS - 1) {
            throw new IllegalStateException("publishOn(" + s + ", " + SMALL_BUFFER + ") ended with " + last);
        }
        return last;
    }

    /** Moirai: 1 M items through {@code hide().publishOn(MoiraiReactor.scheduler(moirai), 16)}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(ITEMS)
    public Integer publishOnSmallBufferMoirai(Peers s) {
        return publishOnSmallBuffer(s.moiraiScheduler);
    }

    /** Reference: 1 M items through {@code hide().publishOn(newParallel(n), 16)}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(ITEMS)
    public Integer publishOnSmallBufferParallel(Peers s) {
        return publishOnSmallBuffer(s.parallel);
    }

    // ---------------------------------------------------------------- fan-out (issue 13)

    private static Long flatMap(Scheduler s, Callable<Integer> task) {
        Long count = Flux.range(0, FAN_OUT).flatMap(i -> Mono.fromCallable(task).subscribeOn(s)).count().block();
        if (count == null || count != FAN_OUT) {
            throw new IllegalStateException("flatMap on " + s + " counted " + count + " of " + FAN_OUT);
        }
        return count;
    }

    /** Moirai: 10,000 {@code fromCallable(..).subscribeOn(MoiraiReactor.scheduler(moirai))} merged by {@code flatMap}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(FAN_OUT)
    public Long flatMapMoirai(Peers s) {
        return flatMap(s.moiraiScheduler, s.task);
    }

    /** Reference: 10,000 {@code fromCallable(..).subscribeOn(newParallel(n))} merged by {@code flatMap}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(FAN_OUT)
    public Long flatMapParallel(Peers s) {
        return flatMap(s.parallel, s.task);
    }

    // ---------------------------------------------------------------- timer ticks (issue 13)

    /** {@value #TIMER_SUBSCRIPTIONS} x {@code Flux.interval(1 ms, s).take(100).count()}, all awaited. */
    private static void interval(Scheduler s, TickCpu cpu) throws InterruptedException {
        cpu.begin();
        TickCpu.Batch batch = new TickCpu.Batch(TIMER_SUBSCRIPTIONS, TIMER_TICKS);
        for (int i = 0; i < TIMER_SUBSCRIPTIONS; i++) {
            Flux.interval(TIMER_PERIOD, s).take(TIMER_TICKS).count().subscribe(batch::done, batch::failed);
        }
        batch.await();
        cpu.end(TIMER_BATCH);
    }

    /** {@value #TIMER_SUBSCRIPTIONS} x {@code Flux.range(0, 100).delayElements(1 ms, s).count()}, all awaited. */
    private static void delayElements(Scheduler s, TickCpu cpu) throws InterruptedException {
        cpu.begin();
        TickCpu.Batch batch = new TickCpu.Batch(TIMER_SUBSCRIPTIONS, TIMER_TICKS);
        for (int i = 0; i < TIMER_SUBSCRIPTIONS; i++) {
            Flux.range(0, TIMER_TICKS).delayElements(TIMER_PERIOD, s).count().subscribe(batch::done, batch::failed);
        }
        batch.await();
        cpu.end(TIMER_BATCH);
    }

    /** Moirai: 1 ms {@code interval} ticks on {@code MoiraiReactor.scheduler(moirai)}; the figure is {@code :cpuTick}. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(TIMER_BATCH)
    public void intervalMoirai(Peers s, TickCpu cpu) throws InterruptedException {
        interval(s.moiraiScheduler, cpu);
    }

    /** Reference: 1 ms {@code interval} ticks on {@code newParallel(n)} (what {@code interval} uses by default). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(TIMER_BATCH)
    public void intervalParallel(Peers s, TickCpu cpu) throws InterruptedException {
        interval(s.parallel, cpu);
    }

    /** Reference: 1 ms {@code interval} ticks on {@code newSingle(..)}. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(TIMER_BATCH)
    public void intervalSingle(Peers s, TickCpu cpu) throws InterruptedException {
        interval(s.single, cpu);
    }

    /** Moirai: items delayed 1 ms each by {@code delayElements} on {@code MoiraiReactor.scheduler(moirai)}. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(TIMER_BATCH)
    public void delayElementsMoirai(Peers s, TickCpu cpu) throws InterruptedException {
        delayElements(s.moiraiScheduler, cpu);
    }

    /** Reference: items delayed 1 ms each on {@code newParallel(n)} (what {@code delayElements} uses by default). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(TIMER_BATCH)
    public void delayElementsParallel(Peers s, TickCpu cpu) throws InterruptedException {
        delayElements(s.parallel, cpu);
    }

    /** Reference: items delayed 1 ms each on {@code newSingle(..)}. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(TIMER_BATCH)
    public void delayElementsSingle(Peers s, TickCpu cpu) throws InterruptedException {
        delayElements(s.single, cpu);
    }
}

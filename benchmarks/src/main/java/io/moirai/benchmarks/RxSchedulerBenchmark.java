package io.moirai.benchmarks;

import io.moirai.Moirai;
import io.moirai.rxjava3.MoiraiRx;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.schedulers.Schedulers;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

/**
 * RxJava's own operators on a Moirai scheduler ({@code MoiraiRx.scheduler(moirai)}) versus the
 * scheduler RxJava users reach for, {@code Schedulers.computation()}, and an executor-backed RxJava
 * scheduler with the same thread count.
 *
 * <p><b>Rows.</b>
 * <ul>
 *   <li>{@code observeOn*}: {@code Flowable.range(0, 1_000_000).hide().observeOn(s).blockingLast()}
 *       on the JMH thread; one operation is one item ({@code @OperationsPerInvocation}), so the score in
 *       {@code ops/us} is millions of items per second. {@code hide()} keeps RxJava from fusing the
 *       range into {@code observeOn} (fused, the range is polled on the consumer thread and no item is
 *       queued; see METHOD.md), so every row pays {@code observeOn}'s queue (buffer 128, the
 *       default) and its hand-off to the scheduler's worker. As in {@code ChannelHandoffBenchmark}'s
 *       source rows, only the first request (128) comes from the subscribing JMH thread; later requests
 *       come from the worker, so the rest of the range is emitted on the worker's thread and the row
 *       measures the worker's drain loop plus the hand-offs whenever it runs dry, in every library
 *       alike. The last item is checked, so a lost tail fails the run.
 *   <li>{@code observeOnSmallBuffer*} (issue 13): the same with {@code observeOn(s, false, 16)}: a
 *       queue of 16, replenished 12 at a time, so the request-and-drain round that the default buffer
 *       (128) makes every 96 items comes every 12 and its cost shows.
 *   <li>{@code subscribeOn*}: {@code Single.fromCallable(task).subscribeOn(s).blockingGet()}: one
 *       task's round trip from the JMH thread to a scheduler thread and back ({@code scheduleDirect}
 *       on every scheduler), microseconds per operation.
 *   <li>{@code flatMapSingle*} (issue 13): fan-out through RxJava's operators:
 *       {@code Flowable.range(0, 10_000).flatMapSingle(i -> Single.fromCallable(task).subscribeOn(s))
 *       .count().blockingGet()} from the JMH thread; {@code flatMapSingle}'s default concurrency
 *       (unbounded: all 10,000 inner tasks are scheduled at once), the count checked. One operation is
 *       one inner task, so the score in {@code ops/us} is millions of tasks per second.
 *   <li>{@code interval*} (issue 13): the cost of a timer tick. Each invocation subscribes
 *       {@value #TIMER_SUBSCRIPTIONS} concurrent {@code Flowable.interval(1, ms, s).take(100).count()}
 *       and waits until every one has counted its {@value #TIMER_TICKS} ticks. <b>The figure is the
 *       secondary score {@code :cpuTick}</b>: CPU nanoseconds per tick, summed over every Java thread of
 *       the process ({@link TickCpu}), for the reasons {@link ReactorSchedulerBenchmark}'s timer rows
 *       give: the wall time per tick (the primary score) sits at the floor the period sets, 1 ms /
 *       {@value #TIMER_SUBSCRIPTIONS} = 3.9 µs, and a saturating load would make the periodic tasks
 *       overdue, so that no timer is armed per tick. 256,000 ticks per second stays well below what 2
 *       cores can do; each tick pays arming, expiry, the wake-up and hand-off, {@code onNext}, the park.
 *       {@code computation()} runs {@code interval} as a fixed-rate task on one of its event loops'
 *       {@code ScheduledThreadPoolExecutor}s ({@code schedulePeriodicallyDirect}).
 * </ul>
 * {@code s} is, per row suffix:
 * <ul>
 *   <li>{@code Moirai}: {@code MoiraiRx.scheduler(moirai)} on a runtime with {@code n} compute workers.
 *   <li>{@code Computation}: {@code Schedulers.computation()}, <b>the reference</b>: RxJava's event-loop
 *       scheduler, sized to the available processors ({@code n} at the default {@code workers=auto};
 *       with {@code -p workers=k} add {@code -jvmArgsAppend -Drx3.computation-threads=k}).
 *   <li>{@code Executor}: extra row, {@code Schedulers.from(Executors.newFixedThreadPool(n))}: RxJava's
 *       {@code ExecutorScheduler} (a per-worker MPSC queue drained by one executor task, the same
 *       design as Moirai's worker) over a plain pool of exactly {@code n} threads.
 * </ul>
 * Moirai, its scheduler and the fixed pool are created once per trial; {@code computation()} is
 * process-wide and left running (the forked JVM ends after the trial). Every row runs the same task
 * object (returns a boxed {@code Integer} outside the box cache). All rows run in one JMH invocation
 * with the same JVM flags. Warm-up is 10 x 1 s: an {@code observeOn} invocation takes 10-50 ms.
 *
 * The {@code Executor} peer has no timer row: {@code Schedulers.from(executor)} arms its delays on
 * RxJava's shared single-thread helper and only then hops to the executor.
 *
 * <p>Targets: issue 6, Moirai at least 1.0x {@code computation()} in {@code observeOn} and
 * {@code subscribeOn}; issue 13, the new rows ({@code observeOnSmallBuffer}, {@code flatMapSingle},
 * {@code interval}) at least 1.0x {@code computation()}.
 */
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
public class RxSchedulerBenchmark {

    /** Items per {@code observeOn} invocation. */
    static final int ITEMS = 1_000_000;

    /** The {@code observeOn} buffer of the {@code observeOnSmallBuffer*} rows. */
    static final int SMALL_BUFFER = 16;

    /** Inner tasks per {@code flatMapSingle} invocation. */
    static final int FAN_OUT = 10_000;

    /** Concurrent timer subscriptions per {@code interval} invocation. */
    static final int TIMER_SUBSCRIPTIONS = 256;

    /** Ticks per timer subscription. */
    static final int TIMER_TICKS = 100;

    /** Ticks per timer invocation. */
    static final int TIMER_BATCH = TIMER_SUBSCRIPTIONS * TIMER_TICKS;

    /** The period of {@code interval}, in milliseconds. */
    static final long TIMER_PERIOD_MILLIS = 1;

    /** The schedulers under test, created once per trial. */
    @State(Scope.Benchmark)
    public static class Peers {
        /** Threads for Moirai and the fixed pool: {@code auto} (available processors) or a positive count. */
        @Param(BenchSupport.AUTO)
        public String workers;

        Moirai moirai;
        Scheduler moiraiScheduler;
        Scheduler computation;
        ExecutorService pool;
        Scheduler executor;
        final Callable<Integer> task = new Work(41);

        @Setup(Level.Trial)
        public void setUp() {
            int n = BenchSupport.workers(workers);
            moirai = BenchSupport.newMoirai(n);
            moiraiScheduler = MoiraiRx.scheduler(moirai);
            computation = Schedulers.computation();
            pool = Executors.newFixedThreadPool(n);
            executor = Schedulers.from(pool);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            moiraiScheduler.shutdown(); // the Rx scheduler only; then the runtime itself
            BenchSupport.shutdown(moirai);
            BenchSupport.shutdown(pool);
        }
    }

    /** The task of the round-trip rows: a little arithmetic, a freshly boxed result. */
    static final class Work implements Callable<Integer> {
        private final int input;

        Work(int input) {
            this.input = input;
        }

        @Override
        public Integer call() {
            return input * 31 + 1; // 1272: outside Integer's box cache
        }
    }

    private static Integer observeOn(Scheduler s) {
        Integer last = Flowable.range(0, ITEMS).hide().observeOn(s).blockingLast();
        if (last != ITEMS - 1) {
            throw new IllegalStateException("observeOn(" + s + ") ended with " + last);
        }
        return last;
    }

    /** Moirai: 1 M items through {@code hide().observeOn(MoiraiRx.scheduler(moirai))}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(ITEMS)
    public Integer observeOnMoirai(Peers s) {
        return observeOn(s.moiraiScheduler);
    }

    /** Reference: 1 M items through {@code hide().observeOn(Schedulers.computation())}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(ITEMS)
    public Integer observeOnComputation(Peers s) {
        return observeOn(s.computation);
    }

    /** Extra row: 1 M items through {@code hide().observeOn(Schedulers.from(fixedThreadPool(n)))}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(ITEMS)
    public Integer observeOnExecutor(Peers s) {
        return observeOn(s.executor);
    }

    /** Moirai: one {@code Single.fromCallable(..).subscribeOn(..).blockingGet()} round trip. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Integer subscribeOnMoirai(Peers s) {
        return Single.fromCallable(s.task).subscribeOn(s.moiraiScheduler).blockingGet();
    }

    /** Reference: one {@code fromCallable(..).subscribeOn(computation()).blockingGet()} round trip. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Integer subscribeOnComputation(Peers s) {
        return Single.fromCallable(s.task).subscribeOn(s.computation).blockingGet();
    }

    /** Extra row: one round trip through {@code Schedulers.from(fixedThreadPool(n))}. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Integer subscribeOnExecutor(Peers s) {
        return Single.fromCallable(s.task).subscribeOn(s.executor).blockingGet();
    }

    // ---------------------------------------------------------------- observeOn, small buffer (issue 13)

    private static Integer observeOnSmallBuffer(Scheduler s) {
        Integer last = Flowable.range(0, ITEMS).hide().observeOn(s, false, SMALL_BUFFER).blockingLast();
        if (last != ITEMS - 1) {
            throw new IllegalStateException("observeOn(" + s + ", false, " + SMALL_BUFFER + ") ended with " + last);
        }
        return last;
    }

    /** Moirai: 1 M items through {@code hide().observeOn(MoiraiRx.scheduler(moirai), false, 16)}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(ITEMS)
    public Integer observeOnSmallBufferMoirai(Peers s) {
        return observeOnSmallBuffer(s.moiraiScheduler);
    }

    /** Reference: 1 M items through {@code hide().observeOn(computation(), false, 16)}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(ITEMS)
    public Integer observeOnSmallBufferComputation(Peers s) {
        return observeOnSmallBuffer(s.computation);
    }

    /** Extra row: 1 M items through {@code hide().observeOn(Schedulers.from(fixedThreadPool(n)), false, 16)}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(ITEMS)
    public Integer observeOnSmallBufferExecutor(Peers s) {
        return observeOnSmallBuffer(s.executor);
    }

    // ---------------------------------------------------------------- fan-out (issue 13)

    private static Long flatMapSingle(Scheduler s, Callable<Integer> task) {
        long count = Flowable.range(0, FAN_OUT).flatMapSingle(i -> Single.fromCallable(task).subscribeOn(s))
                .count().blockingGet();
        if (count != FAN_OUT) {
            throw new IllegalStateException("flatMapSingle on " + s + " counted " + count + " of " + FAN_OUT);
        }
        return count;
    }

    /** Moirai: 10,000 {@code Single.fromCallable(..).subscribeOn(MoiraiRx.scheduler(moirai))} merged by {@code flatMapSingle}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(FAN_OUT)
    public Long flatMapSingleMoirai(Peers s) {
        return flatMapSingle(s.moiraiScheduler, s.task);
    }

    /** Reference: 10,000 {@code Single.fromCallable(..).subscribeOn(computation())} merged by {@code flatMapSingle}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(FAN_OUT)
    public Long flatMapSingleComputation(Peers s) {
        return flatMapSingle(s.computation, s.task);
    }

    /** Extra row: 10,000 inner tasks on {@code Schedulers.from(fixedThreadPool(n))}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(FAN_OUT)
    public Long flatMapSingleExecutor(Peers s) {
        return flatMapSingle(s.executor, s.task);
    }

    // ---------------------------------------------------------------- timer ticks (issue 13)

    /** {@value #TIMER_SUBSCRIPTIONS} x {@code Flowable.interval(1, ms, s).take(100).count()}, all awaited. */
    private static void interval(Scheduler s, TickCpu cpu) throws InterruptedException {
        cpu.begin();
        TickCpu.Batch batch = new TickCpu.Batch(TIMER_SUBSCRIPTIONS, TIMER_TICKS);
        for (int i = 0; i < TIMER_SUBSCRIPTIONS; i++) {
            Flowable.interval(TIMER_PERIOD_MILLIS, TimeUnit.MILLISECONDS, s).take(TIMER_TICKS).count()
                    .subscribe(batch::done, batch::failed);
        }
        batch.await();
        cpu.end(TIMER_BATCH);
    }

    /** Moirai: 1 ms {@code interval} ticks on {@code MoiraiRx.scheduler(moirai)}; the figure is {@code :cpuTick}. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(TIMER_BATCH)
    public void intervalMoirai(Peers s, TickCpu cpu) throws InterruptedException {
        interval(s.moiraiScheduler, cpu);
    }

    /** Reference: 1 ms {@code interval} ticks on {@code computation()} (what {@code interval} uses by default). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(TIMER_BATCH)
    public void intervalComputation(Peers s, TickCpu cpu) throws InterruptedException {
        interval(s.computation, cpu);
    }
}

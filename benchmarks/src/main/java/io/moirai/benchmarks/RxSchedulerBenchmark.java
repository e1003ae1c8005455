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
 *       queued; see BENCHMARKING.md), so every row pays {@code observeOn}'s queue (buffer 128, the
 *       default) and its hand-off to the scheduler's worker. As in {@code ChannelHandoffBenchmark}'s
 *       source rows, only the first request (128) comes from the subscribing JMH thread; later requests
 *       come from the worker, so the rest of the range is emitted on the worker's thread and the row
 *       measures the worker's drain loop plus the hand-offs whenever it runs dry, in every library
 *       alike. The last item is checked, so a lost tail fails the run.
 *   <li>{@code subscribeOn*}: {@code Single.fromCallable(task).subscribeOn(s).blockingGet()}: one
 *       task's round trip from the JMH thread to a scheduler thread and back ({@code scheduleDirect}
 *       on every scheduler), microseconds per operation.
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
 * <p>Target (issue 6): Moirai at least 1.0x {@code computation()} in both.
 */
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
public class RxSchedulerBenchmark {

    /** Items per {@code observeOn} invocation. */
    static final int ITEMS = 1_000_000;

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
}

package io.moirai.benchmarks;

import io.moirai.Moirai;
import io.moirai.reactor.MoiraiReactor;
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
 *       (fused, no item crosses threads at all; see BENCHMARKING.md), so every row pays the handoff
 *       through {@code publishOn}'s queue (prefetch 256, the default).
 *   <li>{@code subscribeOn*}: {@code Mono.fromCallable(task).subscribeOn(s).block()}: one task's round
 *       trip from the JMH thread to a scheduler thread and back, microseconds per operation.
 * </ul>
 * {@code s} is {@code MoiraiReactor.scheduler(moirai)} on a runtime with {@code n} compute workers
 * (the {@code *Moirai} rows) or {@code Schedulers.newParallel("bench-parallel", n)}, which is exactly
 * what {@code Schedulers.parallel()} is when {@code n} equals the available processors (the
 * {@code *Parallel} rows: the reference). Both are created once per trial. All rows run in one JMH
 * invocation with the same JVM flags.
 *
 * <p>Target (issue 5): Moirai at least 1.0x the {@code parallel} scheduler in both.
 */
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReactorSchedulerBenchmark {

    /** Items per {@code publishOn} invocation. */
    static final int ITEMS = 1_000_000;

    /** The schedulers under test, created once per trial. */
    @State(Scope.Benchmark)
    public static class Peers {
        /** Threads for both schedulers: {@code auto} (available processors) or a positive count. */
        @Param(BenchSupport.AUTO)
        public String workers;

        Moirai moirai;
        Scheduler moiraiScheduler;
        Scheduler parallel;
        final Callable<Integer> task = () -> 1_000 + (int) (System.nanoTime() & 7);

        @Setup(Level.Trial)
        public void setUp() {
            int n = BenchSupport.workers(workers);
            moirai = BenchSupport.newMoirai(n);
            moiraiScheduler = MoiraiReactor.scheduler(moirai);
            parallel = Schedulers.newParallel("bench-parallel", n);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            moiraiScheduler.dispose();
            parallel.dispose();
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
}

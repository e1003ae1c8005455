package io.moirai.benchmarks;

import io.moirai.Moirai;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Round trip of one task: the JMH thread (a thread outside every pool) submits one tiny task and
 * blocks until its result is back. What is measured is the cost of the handoff in both directions:
 * enqueueing from an outside thread, waking a parked worker, running the task, completing the
 * handle/future and waking the blocked caller. Reported as average time per round trip in
 * microseconds; run with {@code -bm thrpt -tu s} for round trips per second, or {@code -bm sample}
 * to see the distribution (two-thread latencies on this machine are bimodal, see METHOD.md).
 *
 * <p><b>Rows.</b>
 * <ul>
 *   <li>{@link #moirai}: {@code moirai.spawn(task).join()} on a runtime with {@code n} compute workers.
 *   <li>{@link #completableFutureForkJoinPool}: {@code CompletableFuture.supplyAsync(task, pool).join()}
 *       on a dedicated {@code new ForkJoinPool(n)}. <b>This is the reference for the target.</b>
 *   <li>{@link #threadPoolExecutor}: {@code submit(task).get()} on a fixed {@code ThreadPoolExecutor}
 *       of {@code n} threads (unbounded {@code LinkedBlockingQueue}, threads prestarted).
 *   <li>{@link #reactor}: {@code Mono.fromCallable(task).subscribeOn(Schedulers.parallel()).block()}.
 *   <li>{@link #rxjava}: {@code Single.fromCallable(task).subscribeOn(Schedulers.computation()).blockingGet()}.
 *   <li>{@link #completableFutureCommonPool}: <b>extra row, not a reference</b>:
 *       {@code CompletableFuture.supplyAsync(task).join()} on the default async pool. With
 *       2 cores {@code commonPool()} has parallelism 1 and {@code CompletableFuture} then starts a
 *       new thread per task, so this row measures thread creation (about 90 µs); beating it is no
 *       result. Kept only to show that figure beside the others.
 * </ul>
 *
 * <p><b>Fairness.</b> {@code n} is the {@code workers} parameter ({@code auto} =
 * {@link Runtime#availableProcessors()}); Moirai, the {@code ForkJoinPool} and the
 * {@code ThreadPoolExecutor} get exactly {@code n} threads. Reactor's {@code parallel()} and RxJava's
 * {@code computation()} size themselves to the available processors, which equals {@code n} at the
 * default; they are used as their users use them and are not resized when {@code workers} is
 * overridden. Every row runs the same task object (a {@link Callable} and {@link Supplier} that
 * multiplies a field and returns a boxed {@code Integer} outside the box cache, so every row
 * allocates one result), created once per trial; pools are created once per trial and shut down
 * after it, so thread creation is never measured (except in the commonPool row, by design). All
 * rows run in one JMH invocation, interleaved in the same machine state, with the same JVM flags.
 *
 * <p><b>Target.</b> {@link #moirai} at least 1.25x faster than {@link #completableFutureForkJoinPool}
 * (average round-trip time at most 0.8x), median of at least three forks, on the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class TaskRoundTripBenchmark {

    /** Threads given to Moirai and to every sized peer: {@code auto} or a positive count. */
    @Param(BenchSupport.AUTO)
    public String workers;

    private Moirai moirai;
    private ForkJoinPool forkJoinPool;
    private ThreadPoolExecutor threadPoolExecutor;
    private Work work;

    /** The task every row runs: a little arithmetic on a field, returning a freshly boxed value. */
    static final class Work implements Callable<Integer>, Supplier<Integer> {
        private final int input;

        Work(int input) {
            this.input = input;
        }

        @Override
        public Integer call() {
            return input * 31 + 1;
        }

        @Override
        public Integer get() {
            return input * 31 + 1;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        int n = BenchSupport.workers(workers);
        work = new Work(41); // 41 * 31 + 1 = 1272: outside Integer's box cache
        moirai = BenchSupport.newMoirai(n);
        forkJoinPool = new ForkJoinPool(n);
        threadPoolExecutor = new ThreadPoolExecutor(n, n, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
        threadPoolExecutor.prestartAllCoreThreads();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        BenchSupport.shutdown(moirai);
        BenchSupport.shutdown(forkJoinPool);
        BenchSupport.shutdown(threadPoolExecutor);
        // Schedulers.parallel() and Schedulers.computation() are process-wide shared schedulers:
        // they are left alone, the forked JVM ends after the trial.
    }

    /** Moirai: spawn from an outside thread (global injection queue), join. */
    @Benchmark
    public Integer moirai() {
        return moirai.spawn(work).join();
    }

    /** The reference: {@code CompletableFuture} on a dedicated {@code ForkJoinPool(n)}. */
    @Benchmark
    public Integer completableFutureForkJoinPool() {
        return CompletableFuture.supplyAsync(work, forkJoinPool).join();
    }

    /**
     * Extra row, not a reference: {@code CompletableFuture}'s default async pool, which on a machine
     * with fewer than 3 cores is a new thread per task (see the class documentation).
     */
    @Benchmark
    public Integer completableFutureCommonPool() {
        return CompletableFuture.supplyAsync(work).join();
    }

    /** A fixed {@code ThreadPoolExecutor} of {@code n} threads: {@code submit().get()}. */
    @Benchmark
    public Integer threadPoolExecutor() throws InterruptedException, ExecutionException {
        return threadPoolExecutor.submit(work).get();
    }

    /** Reactor: {@code subscribeOn(Schedulers.parallel())}, blocked on by the outside thread. */
    @Benchmark
    public Integer reactor() {
        return reactor.core.publisher.Mono.fromCallable(work)
                .subscribeOn(reactor.core.scheduler.Schedulers.parallel())
                .block();
    }

    /** RxJava 3: {@code subscribeOn(Schedulers.computation())}, blocked on by the outside thread. */
    @Benchmark
    public Integer rxjava() {
        return io.reactivex.rxjava3.core.Single.fromCallable(work)
                .subscribeOn(io.reactivex.rxjava3.schedulers.Schedulers.computation())
                .blockingGet();
    }
}

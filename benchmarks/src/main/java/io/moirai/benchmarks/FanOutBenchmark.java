package io.moirai.benchmarks;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * Fan-out from a task: the JMH thread submits one parent task and waits for it; the parent, running
 * on a pool thread, spawns {@value #SUBTASKS} small subtasks and joins them all, summing their
 * results. Measured end to end (submit parent, fan out, join all, parent's result back at the JMH
 * thread) and reported as <b>subtasks per microsecond, i.e. millions of subtasks per second</b>
 * ({@code @OperationsPerInvocation(10_000)}, throughput mode, {@code ops/us}). Each subtask computes
 * {@link #work(int)} (a multiply, a shift and an add on its index) and returns it boxed; every
 * parent checks the sum against the precomputed one, so no result can be skipped and a lost or
 * duplicated subtask fails the run.
 *
 * <p><b>Rows.</b>
 * <ul>
 *   <li>{@link #moirai}: {@code moirai.spawn(parent).join()}; the parent spawns {@value #SUBTASKS}
 *       tasks with {@code moirai.spawn} (from a compute worker, so onto that worker's local queue)
 *       and then joins each handle.
 *   <li>{@link #forkJoinFlat}: the same shape in fork/join: {@code pool.invoke(parent)} on a
 *       dedicated {@code new ForkJoinPool(n)}; the parent {@code RecursiveTask} forks
 *       {@value #SUBTASKS} {@code RecursiveTask}s and then joins them all. <b>This is the reference
 *       for the target.</b>
 *   <li>{@link #forkJoinBinarySplit}: <b>extra row</b>: fork/join's best idiom for the same work,
 *       recursive binary splitting of the index range down to one index (9,999 forks, the right
 *       half computed in place), on the same {@code ForkJoinPool(n)}. The spawning itself is spread
 *       over the workers, so this is a different program shape from the flat fan-out.
 *   <li>{@link #moiraiBinarySplit}: <b>extra row</b>: the same binary split written with
 *       {@code moirai.spawn}/{@code join}, so the binary-split peer has a like-for-like Moirai row.
 *   <li>{@link #completableFutureAllOf}: the parent runs as
 *       {@code CompletableFuture.supplyAsync(parent, pool)} on the same {@code ForkJoinPool(n)},
 *       makes {@value #SUBTASKS} {@code CompletableFuture.supplyAsync(subtask, pool)} and combines
 *       them with {@code CompletableFuture.allOf(..).thenApply(sum)}; the JMH thread joins the
 *       composed result. The parent does <em>not</em> block in {@code allOf(..).join()} on the pool
 *       thread: on JDK 17.0.15 with {@code ForkJoinPool(2)} that form hung in 2 of 8
 *       smoke runs (the blocked worker parked in {@code ForkJoinPool.compensatedBlock}, the other
 *       worker parked in {@code awaitWork} with the 10,000 subtasks still queued, no compensating
 *       thread started). Composing instead of blocking is also how {@code CompletableFuture} is
 *       meant to be used on a pool thread.
 * </ul>
 *
 * <p><b>Fairness.</b> {@code n} is the {@code workers} parameter ({@code auto} =
 * {@link Runtime#availableProcessors()}); Moirai and the one {@code ForkJoinPool} shared by the three
 * JDK rows get exactly {@code n} worker threads. The reference is a dedicated
 * {@code new ForkJoinPool(n)}, never {@code ForkJoinPool.commonPool()} (parallelism {@code n - 1},
 * 1 on this 2-core machine). Every row allocates per subtask what its idiom needs (a handle and a
 * capturing lambda, a task object, a future and a supplier) and a boxed result, and one array of
 * {@value #SUBTASKS} handles/tasks/futures per parent. The flat rows join in reverse spawn order
 * (innermost first), the order the {@code ForkJoinTask} documentation recommends; Moirai joins in
 * the same order. Pools are created once per trial and shut down after it; all rows run in one JMH
 * invocation with the same JVM flags. Warm-up is 10 x 1 s rather than 5: the Moirai rows were still
 * rising at the fifth warm-up iteration in trial runs ({@link #moiraiBinarySplit} most), and a row
 * that is not at steady state is not a figure (METHOD.md).
 *
 * <p><b>Target.</b> {@link #moirai} at least 1.25x the subtasks per second of {@link #forkJoinFlat},
 * median of at least three forks, on the same run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(FanOutBenchmark.SUBTASKS)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class FanOutBenchmark {

    /** Subtasks per parent task, and operations per benchmark invocation. */
    static final int SUBTASKS = 10_000;

    /** The sum every parent must return. */
    static final long EXPECTED_SUM = expectedSum();

    /** Threads given to Moirai and to the {@code ForkJoinPool}: {@code auto} or a positive count. */
    @Param(BenchSupport.AUTO)
    public String workers;

    private Moirai moirai;
    private ForkJoinPool forkJoinPool;

    @Setup(Level.Trial)
    public void setUp() {
        int n = BenchSupport.workers(workers);
        moirai = BenchSupport.newMoirai(n);
        forkJoinPool = new ForkJoinPool(n);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        BenchSupport.shutdown(moirai);
        BenchSupport.shutdown(forkJoinPool);
    }

    /** One subtask's work: a little arithmetic on its index. */
    static int work(int i) {
        return i * 31 + (i >>> 3);
    }

    private static long expectedSum() {
        long sum = 0;
        for (int i = 0; i < SUBTASKS; i++) {
            sum += work(i);
        }
        return sum;
    }

    private static long check(long sum) {
        if (sum != EXPECTED_SUM) {
            throw new IllegalStateException("fan-out returned " + sum + ", expected " + EXPECTED_SUM);
        }
        return sum;
    }

    // ---------------------------------------------------------------- Moirai

    /** Moirai: a parent task spawns {@value #SUBTASKS} tasks and joins each. */
    @Benchmark
    public long moirai() {
        return check(moirai.spawn(this::moiraiParent).join());
    }

    private Long moiraiParent() {
        @SuppressWarnings("unchecked")
        TaskHandle<Integer>[] handles = (TaskHandle<Integer>[]) new TaskHandle<?>[SUBTASKS];
        for (int i = 0; i < SUBTASKS; i++) {
            int index = i;
            handles[i] = moirai.spawn(() -> work(index));
        }
        long sum = 0;
        for (int i = SUBTASKS - 1; i >= 0; i--) {
            sum += handles[i].join();
        }
        return sum;
    }

    /** Extra row: binary splitting with {@code moirai.spawn}/{@code join}, like {@link #forkJoinBinarySplit}. */
    @Benchmark
    public long moiraiBinarySplit() {
        return check(moirai.spawn(() -> moiraiSplit(0, SUBTASKS)).join());
    }

    private long moiraiSplit(int lo, int hi) {
        if (hi - lo == 1) {
            return work(lo);
        }
        int mid = (lo + hi) >>> 1;
        TaskHandle<Long> left = moirai.spawn(() -> moiraiSplit(lo, mid));
        long right = moiraiSplit(mid, hi);
        return left.join() + right;
    }

    // ---------------------------------------------------------------- ForkJoinPool(n)

    /** The reference: a {@code RecursiveTask} forks {@value #SUBTASKS} subtasks, then joins them all. */
    @Benchmark
    public long forkJoinFlat() {
        return check(forkJoinPool.invoke(new FlatParent()));
    }

    /** Extra row: fork/join's recursive binary split, 9,999 forks. */
    @Benchmark
    public long forkJoinBinarySplit() {
        return check(forkJoinPool.invoke(new Split(0, SUBTASKS)));
    }

    /**
     * {@code CompletableFuture.supplyAsync} x {@value #SUBTASKS} inside a task on the pool, combined
     * with {@code allOf(..)}; the parent returns the combined future instead of blocking on it.
     */
    @Benchmark
    public long completableFutureAllOf() {
        return check(CompletableFuture.supplyAsync(this::completableFutureParent, forkJoinPool)
                .thenCompose(Function.identity())
                .join());
    }

    private CompletableFuture<Long> completableFutureParent() {
        @SuppressWarnings("unchecked")
        CompletableFuture<Integer>[] futures = (CompletableFuture<Integer>[]) new CompletableFuture<?>[SUBTASKS];
        for (int i = 0; i < SUBTASKS; i++) {
            int index = i;
            futures[i] = CompletableFuture.supplyAsync(() -> work(index), forkJoinPool);
        }
        return CompletableFuture.allOf(futures).thenApply(done -> {
            long sum = 0;
            for (CompletableFuture<Integer> future : futures) {
                sum += future.join(); // completed: no waiting
            }
            return sum;
        });
    }

    /** The flat fork/join parent: fork every leaf, then join innermost first. */
    static final class FlatParent extends RecursiveTask<Long> {
        @Override
        protected Long compute() {
            Leaf[] leaves = new Leaf[SUBTASKS];
            for (int i = 0; i < SUBTASKS; i++) {
                leaves[i] = new Leaf(i);
                leaves[i].fork();
            }
            long sum = 0;
            for (int i = SUBTASKS - 1; i >= 0; i--) {
                sum += leaves[i].join();
            }
            return sum;
        }
    }

    /** One subtask of the flat fan-out. */
    static final class Leaf extends RecursiveTask<Integer> {
        private final int index;

        Leaf(int index) {
            this.index = index;
        }

        @Override
        protected Integer compute() {
            return work(index);
        }
    }

    /** Binary split of {@code [lo, hi)}: fork the left half, compute the right half here, join. */
    static final class Split extends RecursiveTask<Long> {
        private final int lo;
        private final int hi;

        Split(int lo, int hi) {
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected Long compute() {
            if (hi - lo == 1) {
                return (long) work(lo);
            }
            int mid = (lo + hi) >>> 1;
            Split left = new Split(lo, mid);
            left.fork();
            long right = new Split(mid, hi).compute();
            return left.join() + right;
        }
    }
}

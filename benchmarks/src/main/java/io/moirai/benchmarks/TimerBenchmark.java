package io.moirai.benchmarks;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Timers: the cost of scheduling and firing many timers, and of scheduling and cancelling one.
 * Average time mode in nanoseconds.
 *
 * <p><b>Schedule and fire ({@code fire*} rows).</b> Each invocation the JMH thread schedules
 * {@code timers} (default 1,000,000) timers of {@value #DELAY_MILLIS} ms, each running a task that
 * counts down a shared counter, then waits until all have fired. The primary score is the time of
 * the whole batch; the secondary score {@code :timer} (a JMH {@code @AuxCounters} counter of timers
 * fired) is that time divided by the number of timers, i.e. <b>nanoseconds per timer</b>, the figure
 * to compare. A batch is floored by its longest delay plus one tick of the peer's clock (about 2 ms
 * for the wheels, whose tick is about 1 ms; 1 ms for the executor): with 1,000,000 timers that floor
 * adds at most about 2 ns to the per-timer figure, so {@code :timer} is the per-timer cost above the
 * floor to within 2 ns; with {@code -p timers=10000} subtract up to 200 ns (2 ms / 10,000) to get it.
 * Since the timers start firing while later ones are still being scheduled, the figure is the
 * throughput of the whole pipeline: scheduling on the JMH thread, expiring and running the tasks on
 * the peer's threads.
 * <ul>
 *   <li>{@link #fireMoirai}: {@code moirai.schedule(1 ms, task)}: the task runs on a compute worker.
 *   <li>{@link #fireMoiraiDelay}: extra row: {@code moirai.delay(1 ms)}, the handles kept in an
 *       array and joined in order (no task; the JMH thread observes each handle). A delay that no
 *       one observes yet when it expires completes on the I/O thread, without a hand-off to a worker,
 *       so this row is cheaper than {@link #fireMoirai} and not the like-for-like one.
 *   <li>{@link #fireScheduledThreadPool}: {@code ScheduledThreadPoolExecutor(n).schedule(task, 1, ms)}.
 *   <li>{@link #fireHashedWheelTimer}: Netty's {@code HashedWheelTimer.newTimeout(task, 1, ms)}; the
 *       task runs on the wheel's own thread, as Netty runs it.
 * </ul>
 *
 * <p><b>Schedule and cancel ({@code cancel*} rows).</b> One timer of one hour is scheduled and
 * cancelled at once, per operation, from the JMH thread, never waiting: the cost of inserting into
 * and removing from the timer structure, which the fire rows hide behind the task runs. Each row checks
 * that {@code cancel} reported success.
 * <ul>
 *   <li>{@link #cancelMoirai}: {@code moirai.delay(1 h).cancel()}.
 *   <li>{@link #cancelScheduledThreadPool}: {@code schedule(task, 1, h).cancel(false)} with
 *       {@code setRemoveOnCancelPolicy(true)}, the form that keeps the executor's queue from filling
 *       with cancelled tasks (without it 1 h timers would pile up by the million).
 *   <li>{@link #cancelHashedWheelTimer}: {@code newTimeout(task, 1, h).cancel()}.
 * </ul>
 * {@code HashedWheelTimer} and Moirai queue the insertion and the removal for their timer
 * thread and return, so the caller-side figure leaves part of the work to that thread, running on the
 * other core (Moirai's {@code cancel} also wakes the I/O thread if it sleeps). So that a thread
 * falling behind cannot hide a growing backlog, each iteration ends by waiting until the peer has
 * nothing pending: Moirai joins a 1 ms {@code delay} queued behind its commands, then checks
 * {@code metrics().pendingTimers()}; the wheel checks {@code pendingTimeouts()} (which counts queued
 * timeouts too); the executor its queue size. A backlog that takes longer than 100 ms to drain is
 * printed on stderr with its drain time.
 *
 * <p><b>Fairness.</b> {@code n} is the {@code workers} parameter ({@code auto} = available
 * processors): Moirai gets {@code workerThreads(n)} and one I/O thread (the timer wheel's thread);
 * the {@code ScheduledThreadPoolExecutor} gets {@code n} prestarted threads. {@code HashedWheelTimer}
 * gets a 1 ms tick (its default of 100 ms would put a 100 ms floor under a 1 ms timer; Moirai's wheel
 * ticks every 2<sup>20</sup> ns) and its default 512 buckets; it runs its tasks on its one thread,
 * as it always does. Every task is the same object: a countdown whose last decrement releases the JMH
 * thread. Each peer's state is set up only in its own rows' forks (the wheel's 1 ms tick keeps its
 * thread waking even when idle), and all rows run in one JMH invocation with the same JVM flags.
 *
 * <p><b>Reference.</b> the reference figures in METHOD.md give about 55 ns per timer for {@code HashedWheelTimer} and
 * 0.44-0.7 µs for {@code ScheduledThreadPoolExecutor} on this kind of machine; the wheel is the peer to
 * beat.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class TimerBenchmark {

    /** The delay of every fired timer, in milliseconds. */
    static final long DELAY_MILLIS = 1;

    private static final Duration DELAY = Duration.ofMillis(DELAY_MILLIS);
    private static final Duration ONE_HOUR = Duration.ofHours(1);
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final Runnable NOOP = () -> {};
    private static final TimerTask NOOP_TASK = timeout -> {};

    /** Parameters shared by every peer's state. */
    @State(Scope.Benchmark)
    public static class Config {
        /** Threads for Moirai's workers and the executor: {@code auto} or a positive count. */
        @Param(BenchSupport.AUTO)
        public String workers;

        /** Timers per batch in the {@code fire*} rows. */
        @Param("1000000")
        public int timers;
    }

    /**
     * Counts the timers fired; JMH divides the batch time by it, giving the {@code :timer} secondary
     * score (time per timer). Reset at each iteration.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Fired {
        public long timer;

        @Setup(Level.Iteration)
        public void reset() {
            timer = 0;
        }
    }

    /** The task every fired timer runs: counts down, and the last one releases the waiting thread. */
    static final class Countdown implements Callable<Object>, Runnable, TimerTask {
        private final AtomicInteger remaining;
        private final CountDownLatch done = new CountDownLatch(1);

        Countdown(int timers) {
            remaining = new AtomicInteger(timers);
        }

        @Override
        public Object call() {
            run();
            return null;
        }

        @Override
        public void run() {
            if (remaining.decrementAndGet() == 0) {
                done.countDown();
            }
        }

        @Override
        public void run(Timeout timeout) {
            run();
        }

        void await() throws InterruptedException {
            if (!done.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(remaining.get() + " timers had not fired after " + AWAIT);
            }
        }
    }

    /**
     * Waits at the end of an iteration until {@code pending} reports 0 (at most 30 s), and reports a
     * drain that took longer than 100 ms.
     */
    static void drain(String peer, LongSupplier pending) throws InterruptedException {
        long backlog = pending.getAsLong();
        if (backlog == 0) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(30);
        while (pending.getAsLong() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long left = pending.getAsLong();
        if (left != 0) {
            System.err.println("WARNING: " + peer + ": " + backlog + " pending timers at the end of the iteration, "
                    + left + " still pending after " + tookMillis + " ms");
        } else if (tookMillis > 100) {
            System.err.println("NOTE: " + peer + ": " + backlog + " pending timers at the end of the iteration took "
                    + tookMillis + " ms to drain");
        }
    }

    // ---------------------------------------------------------------- Moirai

    /** A Moirai runtime with {@code n} workers and one I/O thread. */
    @State(Scope.Benchmark)
    public static class MoiraiTimers {
        private Moirai moirai;
        private TaskHandle<?>[] handles;

        @Setup(Level.Trial)
        public void setUp(Config config) {
            moirai = BenchSupport.newMoirai(BenchSupport.workers(config.workers), 1);
            handles = new TaskHandle<?>[config.timers];
        }

        /**
         * {@code pendingTimers()} counts only what the wheel holds, not the schedule and cancel
         * commands still queued for the I/O thread; a 1 ms delay joined first is a barrier behind
         * them (the queue is FIFO), so its wait is the queued backlog's drain time.
         */
        @TearDown(Level.Iteration)
        public void drain() throws Exception {
            long start = System.nanoTime();
            moirai.delay(DELAY).join(AWAIT);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (tookMillis > 100) {
                System.err.println("NOTE: Moirai: the I/O thread's queued timer commands at the end of the iteration "
                        + "took " + tookMillis + " ms to drain");
            }
            TimerBenchmark.drain("Moirai", () -> moirai.metrics().pendingTimers());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            BenchSupport.shutdown(moirai);
        }
    }

    /** Moirai: {@code schedule(1 ms, countdown)} x {@code timers}, wait for the last. */
    @Benchmark
    @Warmup(iterations = 10, time = 2)
    @Measurement(iterations = 5, time = 2)
    public void fireMoirai(MoiraiTimers s, Config config, Fired fired) throws InterruptedException {
        int n = config.timers;
        Countdown countdown = new Countdown(n);
        for (int i = 0; i < n; i++) {
            s.moirai.schedule(DELAY, countdown);
        }
        countdown.await();
        fired.timer += n;
    }

    /** Extra row: {@code delay(1 ms)} x {@code timers}, then join every handle in order. */
    @Benchmark
    @Warmup(iterations = 10, time = 2)
    @Measurement(iterations = 5, time = 2)
    public void fireMoiraiDelay(MoiraiTimers s, Config config, Fired fired) throws Exception {
        int n = config.timers;
        TaskHandle<?>[] handles = s.handles;
        for (int i = 0; i < n; i++) {
            handles[i] = s.moirai.delay(DELAY);
        }
        for (int i = 0; i < n; i++) {
            handles[i].join(AWAIT);
            handles[i] = null;
        }
        fired.timer += n;
    }

    /** Moirai: {@code delay(1 h)}, then {@code cancel()}. */
    @Benchmark
    public boolean cancelMoirai(MoiraiTimers s) {
        return checkCancelled(s.moirai.delay(ONE_HOUR).cancel());
    }

    // ---------------------------------------------------------------- ScheduledThreadPoolExecutor

    /** A {@code ScheduledThreadPoolExecutor} of {@code n} prestarted threads, removing cancelled tasks. */
    @State(Scope.Benchmark)
    public static class ExecutorTimers {
        private ScheduledThreadPoolExecutor executor;

        @Setup(Level.Trial)
        public void setUp(Config config) {
            executor = new ScheduledThreadPoolExecutor(BenchSupport.workers(config.workers));
            executor.setRemoveOnCancelPolicy(true);
            executor.prestartAllCoreThreads();
        }

        @TearDown(Level.Iteration)
        public void drain() throws InterruptedException {
            TimerBenchmark.drain("ScheduledThreadPoolExecutor", () -> executor.getQueue().size());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            BenchSupport.shutdown(executor);
        }
    }

    /** {@code ScheduledThreadPoolExecutor}: {@code schedule(countdown, 1, ms)} x {@code timers}, wait. */
    @Benchmark
    @Warmup(iterations = 10, time = 2)
    @Measurement(iterations = 5, time = 2)
    public void fireScheduledThreadPool(ExecutorTimers s, Config config, Fired fired) throws InterruptedException {
        int n = config.timers;
        Countdown countdown = new Countdown(n);
        for (int i = 0; i < n; i++) {
            s.executor.schedule((Runnable) countdown, DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
        countdown.await();
        fired.timer += n;
    }

    /** {@code ScheduledThreadPoolExecutor}: {@code schedule(task, 1, h)}, then {@code cancel(false)}. */
    @Benchmark
    public boolean cancelScheduledThreadPool(ExecutorTimers s) {
        return checkCancelled(s.executor.schedule(NOOP, 1, TimeUnit.HOURS).cancel(false));
    }

    // ---------------------------------------------------------------- HashedWheelTimer

    /** Netty's {@code HashedWheelTimer} with a 1 ms tick and 512 buckets, started at set-up. */
    @State(Scope.Benchmark)
    public static class WheelTimers {
        private HashedWheelTimer wheel;

        @Setup(Level.Trial)
        public void setUp() {
            wheel = new HashedWheelTimer(new DefaultThreadFactory("bench-hashed-wheel", true),
                    1, TimeUnit.MILLISECONDS, 512);
            wheel.start();
        }

        @TearDown(Level.Iteration)
        public void drain() throws InterruptedException {
            TimerBenchmark.drain("HashedWheelTimer", () -> wheel.pendingTimeouts());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            wheel.stop();
        }
    }

    /** {@code HashedWheelTimer}: {@code newTimeout(countdown, 1, ms)} x {@code timers}, wait. */
    @Benchmark
    @Warmup(iterations = 10, time = 2)
    @Measurement(iterations = 5, time = 2)
    public void fireHashedWheelTimer(WheelTimers s, Config config, Fired fired) throws InterruptedException {
        int n = config.timers;
        Countdown countdown = new Countdown(n);
        for (int i = 0; i < n; i++) {
            s.wheel.newTimeout(countdown, DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
        countdown.await();
        fired.timer += n;
    }

    /** {@code HashedWheelTimer}: {@code newTimeout(task, 1, h)}, then {@code cancel()}. */
    @Benchmark
    public boolean cancelHashedWheelTimer(WheelTimers s) {
        return checkCancelled(s.wheel.newTimeout(NOOP_TASK, 1, TimeUnit.HOURS).cancel());
    }

    private static boolean checkCancelled(boolean cancelled) {
        if (!cancelled) {
            throw new IllegalStateException("cancel() of a fresh one-hour timer returned false");
        }
        return true;
    }
}

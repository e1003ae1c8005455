package io.moirai.benchmarks.beyond;

import static io.moirai.benchmarks.beyond.BeyondJmh.*;

import io.moirai.Moirai;
import io.moirai.RuntimeMetrics;
import io.moirai.task.TaskHandle;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** One row of the memory measurement: a peer that can hold many pending items. */
abstract class Pending {

    @SuppressWarnings("unchecked")
    static CompletableFuture<Integer>[] newFutures(int n) {
        CompletableFuture<Integer>[] futures = (CompletableFuture<Integer>[]) new CompletableFuture<?>[n];
        for (int i = 0; i < n; i++) {
            futures[i] = new CompletableFuture<>();
        }
        return futures;
    }

    final String name;
    final String what;
    final int workers;

    Pending(String name, String what, int workers) {
        this.name = name;
        this.what = what;
        this.workers = workers;
    }

    /** Creates and warms the runtime or pool. */
    abstract void open() throws Exception;

    /** Allocates what the caller keeps anyway (not counted): the holder array, the user's futures. */
    abstract void prepare(int n);

    /** Makes {@code n} items pending (counted). */
    abstract void populate(int n);

    /** Waits until the peer holds every item in its final structure. */
    void settle(int n) throws Exception {}

    /** Drops everything. */
    abstract void close() throws Exception;

    static final class MoiraiDelay extends Pending {
        private Moirai moirai;
        private TaskHandle<?>[] handles;

        MoiraiDelay(int workers) {
            super("pendingDelayMoirai", "Moirai delay(1 h)", workers);
        }

        @Override
        void open() throws Exception {
            moirai = Moirai.builder().workerThreads(workers).threadNamePrefix("beyond-delay").build();
            for (int i = 0; i < 1_000; i++) {
                moirai.delay(ONE_HOUR).cancel();
            }
            moirai.delay(Duration.ofMillis(1)).join(AWAIT);
            await("cancelled warm-up timers", () -> moirai.metrics().pendingTimers() == 0);
        }

        @Override
        void prepare(int n) {
            handles = new TaskHandle<?>[n];
        }

        @Override
        void populate(int n) {
            for (int i = 0; i < n; i++) {
                handles[i] = moirai.delay(ONE_HOUR);
            }
        }

        @Override
        void settle(int n) throws Exception {
            moirai.delay(Duration.ofMillis(1)).join(AWAIT); // queued behind every insertion
            await("pendingTimers >= " + n, () -> moirai.metrics().pendingTimers() >= n);
        }

        @Override
        void close() {
            moirai.shutdown(AWAIT);
            moirai = null;
            handles = null;
        }
    }

    static final class ExecutorDelay extends Pending {
        private ScheduledThreadPoolExecutor executor;
        private ScheduledFuture<?>[] futures;

        ExecutorDelay(int workers) {
            super("pendingDelayScheduledThreadPool", "ScheduledThreadPoolExecutor.schedule(1 h)", workers);
        }

        @Override
        void open() {
            executor = new ScheduledThreadPoolExecutor(workers);
            executor.prestartAllCoreThreads();
            for (int i = 0; i < 1_000; i++) {
                executor.schedule(NOOP, 1, TimeUnit.HOURS).cancel(false);
            }
            executor.purge();
        }

        @Override
        void prepare(int n) {
            futures = new ScheduledFuture<?>[n];
        }

        @Override
        void populate(int n) {
            for (int i = 0; i < n; i++) {
                futures[i] = executor.schedule(NOOP, 1, TimeUnit.HOURS);
            }
        }

        @Override
        void close() throws InterruptedException {
            executor.shutdownNow();
            executor.awaitTermination(AWAIT.toSeconds(), TimeUnit.SECONDS);
            executor = null;
            futures = null;
        }
    }

    static final class WheelDelay extends Pending {
        private HashedWheelTimer wheel;
        private Timeout[] timeouts;

        WheelDelay(int workers) {
            super("pendingDelayHashedWheelTimer", "Netty HashedWheelTimer.newTimeout(1 h)", workers);
        }

        @Override
        void open() throws InterruptedException {
            wheel = new HashedWheelTimer(new DefaultThreadFactory("beyond-wheel", true), 1, TimeUnit.MILLISECONDS, 512);
            wheel.start();
            for (int i = 0; i < 1_000; i++) {
                wheel.newTimeout(NOOP_TASK, 1, TimeUnit.HOURS).cancel();
            }
            Thread.sleep(50); // measurement harness, not library code: let the wheel thread take the warm-up timeouts
        }

        @Override
        void prepare(int n) {
            timeouts = new Timeout[n];
        }

        @Override
        void populate(int n) {
            for (int i = 0; i < n; i++) {
                timeouts[i] = wheel.newTimeout(NOOP_TASK, 1, TimeUnit.HOURS);
            }
        }

        @Override
        void settle(int n) throws InterruptedException {
            // the wheel's thread moves at most 100,000 timeouts a tick (1 ms) from its queue into the buckets
            Thread.sleep(200 + 5L * n / 100_000);
        }

        /**
         * Stops the wheel and waits until it has been collected. {@code HashedWheelTimer} has a
         * finalizer, and after {@code stop()} its worker still holds every unprocessed timeout; so the
         * stopped wheel and its million timeouts stay reachable until the finalizer thread has run,
         * which happened in the middle of the next row's measurement and took up to 100 bytes per
         * item off it.
         */
        @Override
        void close() throws InterruptedException {
            ReferenceQueue<Object> collected = new ReferenceQueue<>();
            PhantomReference<Object> ref = new PhantomReference<>(wheel, collected);
            wheel.stop();
            wheel = null;
            timeouts = null;
            long deadline = System.nanoTime() + AWAIT.toNanos();
            while (collected.remove(50) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the stopped HashedWheelTimer was not collected within " + AWAIT);
                }
                System.gc();
                System.runFinalization();
            }
            Reference.reachabilityFence(ref);
        }
    }

    static final class MoiraiAsync extends Pending {
        private Moirai moirai;
        private CompletableFuture<Integer>[] user;
        private TaskHandle<?>[] handles;
        private final LongAdder supplied = new LongAdder();

        MoiraiAsync(int workers) {
            super("pendingAsyncMoirai", "Moirai spawnAsync(() -> future)", workers);
        }

        @Override
        void open() throws Exception {
            moirai = Moirai.builder().workerThreads(workers).threadNamePrefix("beyond-async").build();
            for (int i = 0; i < 1_000; i++) {
                moirai.spawnAsync(() -> CompletableFuture.completedFuture(1)).join(AWAIT);
            }
        }

        @Override
        void prepare(int n) {
            user = Pending.newFutures(n);
            handles = new TaskHandle<?>[n];
            supplied.reset();
        }

        @Override
        void populate(int n) {
            for (int i = 0; i < n; i++) {
                CompletableFuture<Integer> f = user[i];
                handles[i] = moirai.spawnAsync(() -> {
                    supplied.increment();
                    return f;
                });
            }
        }

        @Override
        void settle(int n) throws Exception {
            await("every supplier ran", () -> supplied.sum() == n);
            await("workers parked", () -> {
                RuntimeMetrics m = moirai.metrics();
                return m.parkedWorkers() == m.workerThreads() && m.queuedTasks() == 0;
            });
            Thread.sleep(50); // measurement harness: the parked workers' last allocations settle before the heap is read
        }

        @Override
        void close() {
            moirai.shutdown(AWAIT);
            moirai = null;
            user = null;
            handles = null;
        }
    }

    static final class FutureAsync extends Pending {
        private ForkJoinPool pool;
        private CompletableFuture<Integer>[] user;
        private CompletableFuture<?>[] dependents;

        FutureAsync(int workers) {
            super("pendingAsyncCompletableFuture", "CompletableFuture.thenApplyAsync(f, ForkJoinPool(n))", workers);
        }

        @Override
        void open() {
            pool = new ForkJoinPool(workers);
            for (int i = 0; i < 1_000; i++) {
                CompletableFuture.completedFuture(i).thenApplyAsync(SAME, pool).join();
            }
        }

        @Override
        void prepare(int n) {
            user = Pending.newFutures(n);
            dependents = new CompletableFuture<?>[n];
        }

        @Override
        void populate(int n) {
            for (int i = 0; i < n; i++) {
                dependents[i] = user[i].thenApplyAsync(SAME, pool);
            }
        }

        @Override
        void close() throws InterruptedException {
            pool.shutdownNow();
            pool.awaitTermination(AWAIT.toSeconds(), TimeUnit.SECONDS);
            pool = null;
            user = null;
            dependents = null;
        }
    }
}

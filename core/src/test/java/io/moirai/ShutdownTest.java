package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.await;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.task.TaskHandle;
import io.moirai.task.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShutdownTest {

    @Test
    void afterShutdownEverySpawnIsRejected() {
        Moirai moirai = Moirai.builder().threadNamePrefix(uniquePrefix("sd-reject")).build();
        assertThat(moirai.shutdown(WAIT)).isTrue();
        assertThat(moirai.isShutdown()).isTrue();
        assertThatThrownBy(() -> moirai.spawn(() -> 1)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> moirai.spawnBlocking(() -> 1)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> moirai.spawnAsync(() -> CompletableFuture.completedFuture(1)))
                .isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> moirai.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        // null checks still come first
        assertThatThrownBy(() -> moirai.execute(null)).isInstanceOf(NullPointerException.class);
        moirai.close();
    }

    @Test
    void closeRejectsNewWorkToo() {
        Moirai moirai = Moirai.builder().threadNamePrefix(uniquePrefix("sd-close")).build();
        moirai.close();
        assertThat(moirai.isShutdown()).isTrue();
        assertThatThrownBy(() -> moirai.spawn(() -> 1)).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void shutdownIsIdempotent() {
        String prefix = uniquePrefix("sd-idem");
        Moirai moirai = Moirai.builder().threadNamePrefix(prefix).build();
        assertThat(moirai.spawn(() -> 1).join()).isEqualTo(1);
        assertThat(moirai.shutdown(WAIT)).isTrue();
        assertThat(moirai.shutdown(WAIT)).isTrue();
        assertThat(moirai.shutdown(Duration.ZERO)).isTrue();
        assertThat(moirai.shutdown(Duration.ofSeconds(Long.MAX_VALUE))).isTrue();
        moirai.close();
        moirai.close();
        TestSupport.assertNoThreadsLeft(prefix);
    }

    @Test
    void shutdownFromManyThreadsAtOnce() throws Exception {
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        String prefix = uniquePrefix("sd-many");
        Moirai moirai = Moirai.builder().threadNamePrefix(prefix).build();
        try {
            assertThat(moirai.spawnBlocking(() -> 1).join(WAIT)).isEqualTo(1);
            CyclicBarrier barrier = new CyclicBarrier(callers);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    return moirai.shutdown(WAIT);
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get(20, TimeUnit.SECONDS)).isTrue();
            }
            TestSupport.assertNoThreadsLeft(prefix);
        } finally {
            pool.shutdownNow();
            moirai.shutdown(WAIT);
        }
    }

    @Test
    void shutdownCancelsQueuedTasksAndLetsRunningOnesFinish() throws Exception {
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        CountDownLatch droppedLatch = new CountDownLatch(1);
        String prefix = uniquePrefix("sd-queued");
        Moirai moirai = Moirai.builder()
                .workerThreads(2)
                .maxBlockingThreads(1)
                .threadNamePrefix(prefix)
                .droppedErrorHandler(e -> {
                    dropped.add(e);
                    droppedLatch.countDown();
                })
                .build();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch running = new CountDownLatch(3);
            CountDownLatch release = new CountDownLatch(1);
            List<TaskHandle<Integer>> runningHandles = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int v = i;
                runningHandles.add(moirai.spawn(() -> {
                    running.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    return v;
                }));
            }
            runningHandles.add(moirai.spawnBlocking(() -> {
                running.countDown();
                release.await(30, TimeUnit.SECONDS);
                return 2;
            }));
            await(running);

            AtomicInteger queuedRuns = new AtomicInteger();
            List<TaskHandle<Integer>> queued = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                queued.add(moirai.spawn(queuedRuns::incrementAndGet));
                queued.add(moirai.spawnBlocking(queuedRuns::incrementAndGet));
            }
            AtomicBoolean commandRan = new AtomicBoolean();
            for (int i = 0; i < 5; i++) {
                moirai.execute(() -> commandRan.set(true));
            }

            Future<Boolean> shutdown = pool.submit(() -> moirai.shutdown(WAIT));
            // the queued tasks end cancelled while the running ones are still running
            for (TaskHandle<Integer> h : queued) {
                assertThatThrownBy(() -> h.join(WAIT)).isInstanceOf(CancellationException.class);
                assertThat(h.isCancelled()).isTrue();
            }
            for (TaskHandle<Integer> h : runningHandles) {
                assertThat(h.isFinished()).isFalse();
            }
            assertThatThrownBy(() -> moirai.spawn(() -> 1)).isInstanceOf(RejectedExecutionException.class);

            release.countDown();
            assertThat(shutdown.get(20, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < runningHandles.size(); i++) {
                assertThat(runningHandles.get(i).tryJoin()).contains(new TaskResult.Success<>(i));
            }
            assertThat(queuedRuns.get()).isZero();
            assertThat(commandRan.get()).isFalse();
            // commands that never ran are reported, not silently lost
            await(droppedLatch);
            assertThat(dropped).isNotEmpty();
            TestSupport.assertNoThreadsLeft(prefix);
        } finally {
            pool.shutdownNow();
            moirai.shutdown(WAIT);
        }
    }

    @Test
    void blockingTaskIgnoringInterruptsMakesShutdownReturnFalseAndEndsCancelled() throws Exception {
        String prefix = uniquePrefix("sd-stubborn");
        Moirai moirai = Moirai.builder().threadNamePrefix(prefix).build();
        CountDownLatch stop = new CountDownLatch(1);
        try {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            TaskHandle<String> h = moirai.spawnBlocking(() -> {
                started.countDown();
                while (true) {
                    try {
                        if (stop.await(30, TimeUnit.SECONDS)) {
                            return "stopped";
                        }
                    } catch (InterruptedException ignored) {
                        interrupted.countDown();
                    }
                }
            });
            await(started);
            long t0 = System.nanoTime();
            assertThat(moirai.shutdown(Duration.ofMillis(200))).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
            assertThatThrownBy(() -> h.join(WAIT)).isInstanceOf(CancellationException.class);
            assertThat(h.isCancelled()).isTrue();
            // the stubborn thread was interrupted
            await(interrupted);
            stop.countDown();
            TestSupport.assertNoThreadsLeft(prefix);
            // its result, arriving late, is discarded
            assertThat(h.tryJoin()).containsInstanceOf(TaskResult.Cancelled.class);
        } finally {
            stop.countDown();
            moirai.shutdown(WAIT);
        }
    }

    @Test
    void closeUsesTheBuilderShutdownTimeout() throws Exception {
        String prefix = uniquePrefix("sd-close-timeout");
        Moirai moirai = Moirai.builder().threadNamePrefix(prefix).shutdownTimeout(Duration.ofMillis(200)).build();
        CountDownLatch stop = new CountDownLatch(1);
        try {
            CountDownLatch started = new CountDownLatch(1);
            TaskHandle<String> h = moirai.spawnBlocking(() -> {
                started.countDown();
                while (true) {
                    try {
                        if (stop.await(30, TimeUnit.SECONDS)) {
                            return "stopped";
                        }
                    } catch (InterruptedException ignored) {
                        // stubborn
                    }
                }
            });
            await(started);
            long t0 = System.nanoTime();
            moirai.close();
            // time is the subject: the 200 ms timeout, not the 10 s default, bounded close()
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThatThrownBy(() -> h.join(WAIT)).isInstanceOf(CancellationException.class);
        } finally {
            stop.countDown();
            moirai.shutdown(WAIT);
        }
        TestSupport.assertNoThreadsLeft(prefix);
    }

    @Test
    void shutdownFromInsideATaskDoesNotDeadlock() throws Exception {
        String prefix = uniquePrefix("sd-inside");
        Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(prefix).build();
        try {
            TaskHandle<Boolean> h = moirai.spawn(() -> moirai.shutdown(WAIT));
            assertThat(h.join(Duration.ofSeconds(20))).isTrue();
            assertThat(moirai.isShutdown()).isTrue();
            assertThatThrownBy(() -> moirai.spawn(() -> 1)).isInstanceOf(RejectedExecutionException.class);
            TestSupport.assertNoThreadsLeft(prefix);
        } finally {
            moirai.shutdown(WAIT);
        }
    }

    @Test
    void shutdownFromInsideABlockingTaskOrCommandDoesNotDeadlock() throws Exception {
        String prefix = uniquePrefix("sd-inside-blk");
        Moirai moirai = Moirai.builder().threadNamePrefix(prefix).build();
        try {
            TaskHandle<Boolean> h = moirai.spawnBlocking(() -> moirai.shutdown(WAIT));
            assertThat(h.join(Duration.ofSeconds(20))).isTrue();
            TestSupport.assertNoThreadsLeft(prefix);
        } finally {
            moirai.shutdown(WAIT);
        }

        String prefix2 = uniquePrefix("sd-inside-cmd");
        Moirai moirai2 = Moirai.builder().threadNamePrefix(prefix2).build();
        try {
            CompletableFuture<Boolean> result = new CompletableFuture<>();
            moirai2.execute(() -> result.complete(moirai2.shutdown(WAIT)));
            assertThat(result.get(20, TimeUnit.SECONDS)).isTrue();
            TestSupport.assertNoThreadsLeft(prefix2);
        } finally {
            moirai2.shutdown(WAIT);
        }
    }

    @Test
    void noRuntimeThreadRemainsAfterShutdown() throws Exception {
        String prefix = uniquePrefix("sd-threads");
        Moirai moirai = Moirai.builder().workerThreads(2).maxBlockingThreads(8).threadNamePrefix(prefix).build();
        try {
            // start compute and blocking threads
            CountDownLatch blockers = new CountDownLatch(8);
            CountDownLatch release = new CountDownLatch(1);
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                handles.add(moirai.spawnBlocking(() -> {
                    blockers.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    return 1;
                }));
            }
            await(blockers);
            release.countDown();
            for (int i = 0; i < 1000; i++) {
                handles.add(moirai.spawn(() -> 1));
            }
            for (TaskHandle<Integer> h : handles) {
                assertThat(h.join(WAIT)).isEqualTo(1);
            }
            assertThat(TestSupport.liveThreads(prefix)).hasSizeGreaterThanOrEqualTo(1 + 8);
            assertThat(moirai.shutdown(WAIT)).isTrue();
            TestSupport.assertNoThreadsLeft(prefix);
        } finally {
            moirai.shutdown(WAIT);
        }
    }

    @Test
    void pendingAsyncTasksEndCancelled() throws Exception {
        String prefix = uniquePrefix("sd-async");
        Moirai moirai = Moirai.builder().threadNamePrefix(prefix).build();
        try {
            List<CompletableFuture<String>> stages = new ArrayList<>();
            List<TaskHandle<String>> handles = new ArrayList<>();
            CountDownLatch supplied = new CountDownLatch(10);
            for (int i = 0; i < 10; i++) {
                CompletableFuture<String> stage = new CompletableFuture<>();
                stages.add(stage);
                handles.add(moirai.spawnAsync(() -> {
                    supplied.countDown();
                    return stage;
                }));
            }
            await(supplied);
            assertThat(moirai.shutdown(WAIT)).isTrue();
            for (TaskHandle<String> h : handles) {
                assertThatThrownBy(() -> h.join(WAIT)).isInstanceOf(CancellationException.class);
                assertThat(h.isCancelled()).isTrue();
            }
            // cancelling an async task cancels its stage's CompletableFuture
            for (CompletableFuture<String> stage : stages) {
                assertThat(stage.handle((v, e) -> e).get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
            }
            TestSupport.assertNoThreadsLeft(prefix);
        } finally {
            moirai.shutdown(WAIT);
        }
    }

    @Test
    void shutdownRejectsNullAndNegativeTimeouts() {
        try (Moirai moirai = Moirai.builder().threadNamePrefix(uniquePrefix("sd-args")).build()) {
            assertThatThrownBy(() -> moirai.shutdown(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("timeout");
            assertThatThrownBy(() -> moirai.shutdown(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("timeout");
            assertThat(moirai.isShutdown()).isFalse();
            assertThat(moirai.spawn(() -> 1).join()).isEqualTo(1);
        }
    }
}

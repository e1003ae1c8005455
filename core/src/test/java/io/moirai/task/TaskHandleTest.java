package io.moirai.task;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.await;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.moirai.TestSupport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TaskHandleTest {

    private static Moirai runtime(String name) {
        return Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix(name)).build();
    }

    /** A compute task that waits for {@code release} and then returns {@code value}. */
    private static <T> TaskHandle<T> blocked(Moirai moirai, CountDownLatch started, CountDownLatch release, T value) {
        return moirai.spawn(() -> {
            started.countDown();
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return value;
        });
    }

    // ---------------------------------------------------------------- join

    @Test
    void joinReturnsTheValue() throws Exception {
        try (Moirai moirai = runtime("join")) {
            TaskHandle<String> h = moirai.spawn(() -> "v");
            assertThat(h.join()).isEqualTo("v");
            assertThat(h.join(WAIT)).isEqualTo("v");
            assertThat(h.join(Duration.ZERO)).isEqualTo("v");
            assertThat(h.join()).isEqualTo("v");
        }
    }

    @Test
    void joinWithTimeoutTimesOutAndTheTaskKeepsRunning() throws Exception {
        try (Moirai moirai = runtime("join-timeout")) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> h = blocked(moirai, started, release, "done");
            await(started);
            assertThatThrownBy(() -> h.join(Duration.ofMillis(50))).isInstanceOf(TimeoutException.class);
            assertThatThrownBy(() -> h.join(Duration.ZERO)).isInstanceOf(TimeoutException.class);
            assertThat(h.isFinished()).isFalse();
            assertThat(h.isCancelled()).isFalse();
            release.countDown();
            assertThat(h.join(WAIT)).isEqualTo("done");
        }
    }

    @Test
    void joinRejectsNullAndNegativeTimeouts() throws Exception {
        try (Moirai moirai = runtime("join-args")) {
            TaskHandle<String> h = moirai.spawn(() -> "v");
            assertThatThrownBy(() -> h.join(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("timeout");
            assertThatThrownBy(() -> h.join(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("timeout");
            assertThat(h.join(WAIT)).isEqualTo("v");
            // an enormous timeout does not overflow
            assertThat(h.join(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo("v");
            assertThat(moirai.spawn(() -> "w").join(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo("w");
            // also on a finished handle
            assertThatThrownBy(() -> h.join(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> h.join(Duration.ofSeconds(-5))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ---------------------------------------------------------------- tryJoin, isFinished, isCancelled

    @Test
    void tryJoinIsEmptyWhileRunningAndReportsEachOutcomeAfter() throws Exception {
        try (Moirai moirai = runtime("tryjoin")) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> h = blocked(moirai, started, release, "ok");
            await(started);
            assertThat(h.tryJoin()).isEmpty();
            assertThat(h.isFinished()).isFalse();
            assertThat(h.isCancelled()).isFalse();
            release.countDown();
            h.join(WAIT);
            assertThat(h.tryJoin()).contains(new TaskResult.Success<>("ok"));
            assertThat(h.isFinished()).isTrue();
            assertThat(h.isCancelled()).isFalse();

            TaskHandle<Object> nullResult = moirai.spawn(() -> null);
            nullResult.join(WAIT);
            assertThat(nullResult.tryJoin()).contains(new TaskResult.Success<>(null));

            IOException boom = new IOException("boom");
            TaskHandle<Object> failed = moirai.spawn(() -> {
                throw boom;
            });
            assertThatThrownBy(() -> failed.join(WAIT)).isInstanceOf(TaskFailedException.class);
            assertThat(failed.tryJoin()).contains(new TaskResult.Failure<>(boom));
            assertThat(failed.isFinished()).isTrue();
            assertThat(failed.isCancelled()).isFalse();

            CountDownLatch started2 = new CountDownLatch(1);
            CountDownLatch release2 = new CountDownLatch(1);
            TaskHandle<String> cancelled = blocked(moirai, started2, release2, "discarded");
            await(started2);
            assertThat(cancelled.cancel()).isTrue();
            assertThat(cancelled.tryJoin()).containsInstanceOf(TaskResult.Cancelled.class);
            assertThat(cancelled.isFinished()).isTrue();
            assertThat(cancelled.isCancelled()).isTrue();
            release2.countDown();
        }
    }

    // ---------------------------------------------------------------- cancel

    @Test
    void cancelBeforeStartMeansTheTaskNeverRuns() throws Exception {
        try (Moirai moirai = runtime("cancel-queued")) {
            CountDownLatch started = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            // occupy both workers so that the next task stays queued
            TaskHandle<Integer> b1 = blocked(moirai, started, release, 1);
            TaskHandle<Integer> b2 = blocked(moirai, started, release, 2);
            await(started);

            AtomicInteger calls = new AtomicInteger();
            TaskHandle<Integer> victim = moirai.spawn(calls::incrementAndGet);
            assertThat(victim.isFinished()).isFalse();
            assertThat(victim.cancel()).isTrue();
            // the handle completes as cancelled at once
            assertThat(victim.isCancelled()).isTrue();
            assertThat(victim.isFinished()).isTrue();
            assertThatThrownBy(victim::join).isInstanceOf(CancellationException.class);

            release.countDown();
            assertThat(b1.join(WAIT)).isEqualTo(1);
            assertThat(b2.join(WAIT)).isEqualTo(2);
            // drain the queues: later tasks ran, and the runtime went idle
            List<TaskHandle<Integer>> later = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                later.add(moirai.spawn(() -> 0));
            }
            for (TaskHandle<Integer> h : later) {
                h.join(WAIT);
            }
            TestSupport.eventually(WAIT, () -> moirai.metrics().queuedTasks() == 0,
                    () -> "queuedTasks " + moirai.metrics().queuedTasks());
            assertThat(calls.get()).as("calls of the cancelled task").isZero();
            assertThat(victim.tryJoin()).containsInstanceOf(TaskResult.Cancelled.class);
        }
    }

    @Test
    void cancelReturnsTrueOnceThenFalse() throws Exception {
        try (Moirai moirai = runtime("cancel-once")) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> h = blocked(moirai, started, release, "x");
            await(started);
            assertThat(h.cancel()).isTrue();
            assertThat(h.cancel()).isFalse();
            assertThat(h.cancel()).isFalse();
            assertThat(h.isCancelled()).isTrue();
            release.countDown();
        }
    }

    @Test
    void cancelAfterCompletionReturnsFalseAndKeepsTheOutcome() throws Exception {
        try (Moirai moirai = runtime("cancel-late")) {
            TaskHandle<String> ok = moirai.spawn(() -> "x");
            assertThat(ok.join(WAIT)).isEqualTo("x");
            assertThat(ok.cancel()).isFalse();
            assertThat(ok.isCancelled()).isFalse();
            assertThat(ok.join()).isEqualTo("x");

            IllegalStateException boom = new IllegalStateException();
            TaskHandle<String> failed = moirai.spawn(() -> {
                throw boom;
            });
            assertThatThrownBy(() -> failed.join(WAIT)).isInstanceOf(TaskFailedException.class);
            assertThat(failed.cancel()).isFalse();
            assertThat(failed.isCancelled()).isFalse();
            assertThat(failed.tryJoin()).contains(new TaskResult.Failure<>(boom));
        }
    }

    @Test
    void cancellingARunningComputeTaskCompletesTheHandleAtOnceAndDiscardsTheResult() throws Exception {
        try (Moirai moirai = runtime("cancel-running")) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch finished = new CountDownLatch(1);
            TaskHandle<String> h = moirai.spawn(() -> {
                started.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                    return "discarded";
                } finally {
                    finished.countDown();
                }
            });
            await(started);
            assertThat(h.cancel()).isTrue();
            // completes as cancelled while the body is still running
            assertThat(h.isCancelled()).isTrue();
            assertThatThrownBy(() -> h.join(WAIT)).isInstanceOf(CancellationException.class);
            release.countDown();
            await(finished);
            assertThat(h.tryJoin()).containsInstanceOf(TaskResult.Cancelled.class);
            assertThat(moirai.spawn(() -> "next").join(WAIT)).isEqualTo("next");
        }
    }

    // ---------------------------------------------------------------- failures

    @Test
    void failureIsReportedAsTaskFailedExceptionWithTheCause() throws Exception {
        try (Moirai moirai = runtime("fail")) {
            IOException checked = new IOException("checked");
            TaskHandle<Object> h1 = moirai.spawn(() -> {
                throw checked;
            });
            assertThatThrownBy(h1::join).isInstanceOf(TaskFailedException.class).cause().isSameAs(checked);
            assertThatThrownBy(() -> h1.join(WAIT)).isInstanceOf(TaskFailedException.class).cause().isSameAs(checked);

            RuntimeException unchecked = new RuntimeException("unchecked");
            TaskHandle<Object> h2 = moirai.spawnBlocking(() -> {
                throw unchecked;
            });
            assertThatThrownBy(() -> h2.join(WAIT)).isInstanceOf(TaskFailedException.class).cause().isSameAs(unchecked);
        }
    }

    @Test
    void errorsThrownByTasksAreReportedAndWorkersSurvive() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(1).threadNamePrefix(uniquePrefix("fail-error")).build()) {
            AssertionError assertionError = new AssertionError("on purpose");
            TaskHandle<Object> h1 = moirai.spawn(() -> {
                throw assertionError;
            });
            assertThatThrownBy(() -> h1.join(WAIT)).isInstanceOf(TaskFailedException.class).cause().isSameAs(assertionError);
            assertThat(h1.tryJoin()).contains(new TaskResult.Failure<>(assertionError));

            StackOverflowError soe = new StackOverflowError("on purpose");
            TaskHandle<Object> h2 = moirai.spawn(() -> {
                throw soe;
            });
            assertThatThrownBy(() -> h2.join(WAIT)).isInstanceOf(TaskFailedException.class).cause().isSameAs(soe);

            StackOverflowError blockingSoe = new StackOverflowError("blocking");
            TaskHandle<Object> h3 = moirai.spawnBlocking(() -> {
                throw blockingSoe;
            });
            assertThatThrownBy(() -> h3.join(WAIT)).isInstanceOf(TaskFailedException.class).cause().isSameAs(blockingSoe);

            // the only worker is still alive and working
            assertThat(moirai.spawn(() -> 1).join(WAIT)).isEqualTo(1);
            assertThat(moirai.spawnBlocking(() -> 2).join(WAIT)).isEqualTo(2);
        }
    }

    // ---------------------------------------------------------------- toCompletableFuture

    @Test
    void toCompletableFutureMirrorsTheValue() throws Exception {
        try (Moirai moirai = runtime("cf-value")) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> h = blocked(moirai, started, release, "v");
            CompletableFuture<String> before = h.toCompletableFuture();
            assertThat(before).isNotSameAs(h.toCompletableFuture());
            await(started);
            assertThat(before).isNotDone();
            release.countDown();
            assertThat(before.get(10, TimeUnit.SECONDS)).isEqualTo("v");
            // a view taken after completion
            assertThat(h.toCompletableFuture().getNow("absent")).isEqualTo("v");
        }
    }

    @Test
    void toCompletableFutureMirrorsTheErrorUnwrapped() throws Exception {
        try (Moirai moirai = runtime("cf-error")) {
            IOException boom = new IOException("boom");
            TaskHandle<Object> h = moirai.spawn(() -> {
                throw boom;
            });
            CompletableFuture<Object> f = h.toCompletableFuture();
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isSameAs(boom);
            CompletableFuture<Throwable> seen = h.toCompletableFuture().handle((v, e) -> e);
            assertThat(seen.get(10, TimeUnit.SECONDS)).isSameAs(boom);
        }
    }

    @Test
    void toCompletableFutureMirrorsCancellation() throws Exception {
        try (Moirai moirai = runtime("cf-cancel")) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> h = blocked(moirai, started, release, "v");
            CompletableFuture<String> f = h.toCompletableFuture();
            await(started);
            h.cancel();
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
            assertThat(f.isCancelled()).isTrue();
            assertThat(h.toCompletableFuture().isCancelled()).isTrue();
            release.countDown();
        }
    }

    @Test
    void completingOrCancellingTheViewDoesNotCompleteTheTask() throws Exception {
        try (Moirai moirai = runtime("cf-view")) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> h = blocked(moirai, started, release, "real");
            await(started);
            CompletableFuture<String> f1 = h.toCompletableFuture();
            assertThat(f1.complete("fake")).isTrue();
            CompletableFuture<String> f2 = h.toCompletableFuture();
            assertThat(f2.cancel(true)).isTrue();
            CompletableFuture<String> f3 = h.toCompletableFuture();
            f3.completeExceptionally(new IllegalStateException("fake"));
            assertThat(h.isFinished()).isFalse();
            assertThat(h.isCancelled()).isFalse();
            assertThat(h.tryJoin()).isEmpty();
            CompletableFuture<String> f4 = h.toCompletableFuture();
            assertThat(f4).isNotDone();
            release.countDown();
            assertThat(h.join(WAIT)).isEqualTo("real");
            assertThat(f4.get(10, TimeUnit.SECONDS)).isEqualTo("real");
            assertThat(f1.join()).isEqualTo("fake");
        }
    }

    // ---------------------------------------------------------------- join inside tasks

    @Test
    void nestedSpawnAndJoinInsideTasksDoesNotDeadlock() throws Exception {
        try (Moirai moirai = runtime("nested")) {
            // more parents than workers, each joining children spawned from inside
            List<TaskHandle<Integer>> parents = new ArrayList<>();
            for (int p = 0; p < 50; p++) {
                parents.add(moirai.spawn(() -> {
                    List<TaskHandle<Integer>> children = new ArrayList<>();
                    for (int c = 0; c < 20; c++) {
                        int v = c;
                        children.add(moirai.spawn(() -> moirai.spawn(() -> v).join()));
                    }
                    int s = 0;
                    for (TaskHandle<Integer> child : children) {
                        s += child.join();
                    }
                    return s;
                }));
            }
            for (TaskHandle<Integer> parent : parents) {
                assertThat(parent.join(WAIT)).isEqualTo(190);
            }
        }
    }

    private static int fib(Moirai moirai, int n) {
        if (n < 2) {
            return n;
        }
        TaskHandle<Integer> left = moirai.spawn(() -> fib(moirai, n - 1));
        TaskHandle<Integer> right = moirai.spawn(() -> fib(moirai, n - 2));
        return right.join() + left.join();
    }

    @Test
    void recursiveFibonacciWithSpawnAndJoinOnTwoWorkers() throws Exception {
        try (Moirai moirai = runtime("fib")) {
            assertThat(moirai.spawn(() -> fib(moirai, 20)).join(Duration.ofSeconds(30))).isEqualTo(6765);
            // joining in spawn order as well (left first)
            TaskHandle<Integer> h = moirai.spawn(() -> {
                TaskHandle<Integer> a = moirai.spawn(() -> fib(moirai, 15));
                TaskHandle<Integer> b = moirai.spawn(() -> fib(moirai, 14));
                return a.join() + b.join();
            });
            assertThat(h.join(Duration.ofSeconds(30))).isEqualTo(987);
        }
    }

    @Test
    void deepChainOfNestedJoinsCompletes() throws Exception {
        try (Moirai moirai = runtime("chain")) {
            assertThat(moirai.spawn(() -> chain(moirai, 100)).join(Duration.ofSeconds(30))).isEqualTo(100);
        }
    }

    private static int chain(Moirai moirai, int depth) {
        if (depth == 0) {
            return 0;
        }
        return moirai.spawn(() -> chain(moirai, depth - 1)).join() + 1;
    }

    @Test
    void joinInsideATaskOnABlockingTaskCompletes() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(1).threadNamePrefix(uniquePrefix("join-blk")).build()) {
            TaskHandle<String> h = moirai.spawn(() -> moirai.spawnBlocking(() -> "from blocking").join() + "!");
            assertThat(h.join(WAIT)).isEqualTo("from blocking!");
        }
    }

    // ---------------------------------------------------------------- many joiners

    @Test
    void manyThreadsJoiningTheSameHandleAllGetTheValue() throws Exception {
        int joiners = 16;
        ExecutorService pool = Executors.newFixedThreadPool(joiners);
        try (Moirai moirai = runtime("joiners")) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> h = blocked(moirai, started, release, "shared");
            await(started);
            CyclicBarrier barrier = new CyclicBarrier(joiners + 1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < joiners; i++) {
                boolean timed = (i & 1) == 0;
                results.add(pool.submit(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    return timed ? h.join(WAIT) : h.join();
                }));
            }
            barrier.await(10, TimeUnit.SECONDS);
            release.countDown();
            for (Future<String> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("shared");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

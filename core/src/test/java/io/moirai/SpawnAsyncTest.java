package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.await;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.task.TaskFailedException;
import io.moirai.task.TaskHandle;
import io.moirai.task.TaskResult;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpawnAsyncTest {

    private static Moirai runtime(String name) {
        return Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix(name)).build();
    }

    @Test
    void stageCompletedLaterGivesTheValue() throws Exception {
        try (Moirai moirai = runtime("async-value")) {
            CompletableFuture<String> stage = new CompletableFuture<>();
            CountDownLatch supplied = new CountDownLatch(1);
            TaskHandle<String> h = moirai.spawnAsync(() -> {
                supplied.countDown();
                return stage;
            });
            await(supplied);
            assertThat(h.isFinished()).isFalse();
            assertThat(h.tryJoin()).isEmpty();
            assertThatThrownBy(() -> h.join(java.time.Duration.ofMillis(20))).isInstanceOf(TimeoutException.class);
            stage.complete("later");
            assertThat(h.join(WAIT)).isEqualTo("later");
            assertThat(h.tryJoin()).contains(new TaskResult.Success<>("later"));
            assertThat(h.isCancelled()).isFalse();
        }
    }

    @Test
    void alreadyCompletedStageGivesTheValue() throws Exception {
        try (Moirai moirai = runtime("async-done")) {
            assertThat(moirai.spawnAsync(() -> CompletableFuture.completedFuture(7)).join(WAIT)).isEqualTo(7);
            assertThat(moirai.spawnAsync(() -> CompletableFuture.completedFuture(null)).join(WAIT)).isNull();
        }
    }

    @Test
    void stageCompletedFromAnotherThreadGivesTheValue() throws Exception {
        try (Moirai moirai = runtime("async-other")) {
            TaskHandle<Integer> h = moirai.spawnAsync(() -> CompletableFuture.supplyAsync(() -> 40 + 2));
            assertThat(h.join(WAIT)).isEqualTo(42);
            // a stage produced by another spawned task
            TaskHandle<Integer> chained = moirai.spawnAsync(() -> moirai.spawn(() -> 5).toCompletableFuture());
            assertThat(chained.join(WAIT)).isEqualTo(5);
        }
    }

    @Test
    void failingStageFailsTheTaskWithTheUnwrappedCause() throws Exception {
        try (Moirai moirai = runtime("async-fail")) {
            CompletableFuture<String> stage = new CompletableFuture<>();
            CountDownLatch supplied = new CountDownLatch(1);
            TaskHandle<String> h = moirai.spawnAsync(() -> {
                supplied.countDown();
                return stage;
            });
            await(supplied);
            IOException boom = new IOException("boom");
            stage.completeExceptionally(boom);
            assertThatThrownBy(() -> h.join(WAIT))
                    .isInstanceOf(TaskFailedException.class)
                    .cause().isSameAs(boom);
            assertThat(h.tryJoin()).contains(new TaskResult.Failure<>(boom));
            assertThat(h.isCancelled()).isFalse();
        }
    }

    @Test
    void dependentStageFailureIsUnwrappedFromCompletionException() throws Exception {
        try (Moirai moirai = runtime("async-fail-dep")) {
            CompletableFuture<String> source = new CompletableFuture<>();
            IllegalStateException boom = new IllegalStateException("boom");
            // a dependent stage completes with a CompletionException wrapping boom
            TaskHandle<String> h = moirai.spawnAsync(() -> source.thenApply(s -> {
                throw boom;
            }));
            source.complete("x");
            assertThatThrownBy(() -> h.join(WAIT))
                    .isInstanceOf(TaskFailedException.class)
                    .cause().isSameAs(boom).isNotInstanceOf(CompletionException.class);
            assertThat(h.tryJoin()).contains(new TaskResult.Failure<>(boom));
            assertThatThrownBy(() -> h.toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isSameAs(boom);
        }
    }

    @Test
    void supplierThrowingFailsTheTask() {
        try (Moirai moirai = runtime("async-throw")) {
            IllegalArgumentException boom = new IllegalArgumentException("supplier");
            TaskHandle<Object> h = moirai.spawnAsync(() -> {
                throw boom;
            });
            assertThatThrownBy(() -> h.join(WAIT)).isInstanceOf(TaskFailedException.class).cause().isSameAs(boom);
            assertThat(h.tryJoin()).contains(new TaskResult.Failure<>(boom));
        }
    }

    @Test
    void supplierReturningNullFailsWithNullPointerException() {
        try (Moirai moirai = runtime("async-null")) {
            TaskHandle<Object> h = moirai.spawnAsync(() -> null);
            assertThatThrownBy(() -> h.join(WAIT))
                    .isInstanceOf(TaskFailedException.class)
                    .cause().isInstanceOf(NullPointerException.class);
            assertThat(h.tryJoin()).hasValueSatisfying(r -> assertThat(r).isInstanceOfSatisfying(
                    TaskResult.Failure.class, f -> assertThat(f.error()).isInstanceOf(NullPointerException.class)));
            assertThat(h.isCancelled()).isFalse();
        }
    }

    @Test
    void cancellingTheHandleCancelsTheStage() throws Exception {
        try (Moirai moirai = runtime("async-cancel")) {
            CompletableFuture<String> stage = new CompletableFuture<>();
            CountDownLatch supplied = new CountDownLatch(1);
            TaskHandle<String> h = moirai.spawnAsync(() -> {
                supplied.countDown();
                return stage;
            });
            await(supplied);
            CountDownLatch stageDone = new CountDownLatch(1);
            stage.whenComplete((v, e) -> stageDone.countDown());
            assertThat(h.cancel()).isTrue();
            assertThat(h.isCancelled()).isTrue();
            assertThat(h.isFinished()).isTrue();
            await(stageDone);
            assertThat(stage.isCancelled()).isTrue();
            assertThatThrownBy(h::join).isInstanceOf(CancellationException.class);
            // completing the stage afterwards changes nothing
            stage.complete("late");
            assertThat(h.tryJoin()).containsInstanceOf(TaskResult.Cancelled.class);
            assertThat(h.cancel()).isFalse();
        }
    }

    @Test
    void stageCancelledMakesTheHandleCancelled() throws Exception {
        try (Moirai moirai = runtime("async-stage-cancel")) {
            CompletableFuture<String> stage = new CompletableFuture<>();
            CountDownLatch supplied = new CountDownLatch(1);
            TaskHandle<String> h = moirai.spawnAsync(() -> {
                supplied.countDown();
                return stage;
            });
            await(supplied);
            stage.cancel(false);
            assertThatThrownBy(() -> h.join(WAIT)).isInstanceOf(CancellationException.class);
            assertThat(h.isCancelled()).isTrue();
            assertThat(h.tryJoin()).containsInstanceOf(TaskResult.Cancelled.class);

            // a stage completed exceptionally with a CancellationException is the same
            CompletableFuture<String> stage2 = new CompletableFuture<>();
            TaskHandle<String> h2 = moirai.spawnAsync(() -> stage2);
            stage2.completeExceptionally(new CancellationException("stage gave up"));
            assertThatThrownBy(() -> h2.join(WAIT)).isInstanceOf(CancellationException.class);
            assertThat(h2.isCancelled()).isTrue();
        }
    }

    @Test
    void cancelledBeforeTheSupplierRanMeansTheSupplierNeverRuns() throws Exception {
        try (Moirai moirai = runtime("async-cancel-queued")) {
            CountDownLatch busy = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            java.util.List<TaskHandle<Integer>> blockers = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                blockers.add(moirai.spawn(() -> {
                    busy.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    return 1;
                }));
            }
            await(busy);
            java.util.concurrent.atomic.AtomicInteger supplierCalls = new java.util.concurrent.atomic.AtomicInteger();
            TaskHandle<String> h = moirai.spawnAsync(() -> {
                supplierCalls.incrementAndGet();
                return CompletableFuture.completedFuture("ran");
            });
            assertThat(h.cancel()).isTrue();
            assertThat(h.isCancelled()).isTrue();
            release.countDown();
            for (TaskHandle<Integer> b : blockers) {
                b.join(WAIT);
            }
            // work queued after the cancelled task has run, so the queue got past it
            for (int i = 0; i < 100; i++) {
                moirai.spawn(() -> 0).join(WAIT);
            }
            TestSupport.eventually(WAIT, () -> moirai.metrics().queuedTasks() == 0,
                    () -> "queuedTasks " + moirai.metrics().queuedTasks());
            assertThat(supplierCalls.get()).isZero();
            assertThatThrownBy(h::join).isInstanceOf(CancellationException.class);
        }
    }

    @Test
    void stageReturnedAfterTheHandleWasCancelledIsCancelled() throws Exception {
        try (Moirai moirai = runtime("async-cancel-during-supplier")) {
            CountDownLatch inSupplier = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<String> stage = new CompletableFuture<>();
            TaskHandle<String> h = moirai.spawnAsync(() -> {
                inSupplier.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return stage;
            });
            await(inSupplier);
            assertThat(h.cancel()).isTrue();
            assertThat(h.isCancelled()).isTrue();
            release.countDown();
            // the stage the supplier hands over afterwards is cancelled, not left running for nobody
            assertThat(stage.handle((v, e) -> e).get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
            assertThat(h.tryJoin()).containsInstanceOf(TaskResult.Cancelled.class);
        }
    }

    @Test
    void aMillionPendingAsyncTasksFitInTheHeapAndAllFinish() throws Exception {
        int n = 1_000_000;
        String prefix = uniquePrefix("async-million");
        try (Moirai moirai = Moirai.builder().threadNamePrefix(prefix).build()) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            CompletableFuture<Integer>[] stages = new CompletableFuture[n];
            @SuppressWarnings({"unchecked", "rawtypes"})
            TaskHandle<Integer>[] handles = new TaskHandle[n];
            CountDownLatch supplied = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                CompletableFuture<Integer> stage = new CompletableFuture<>();
                stages[i] = stage;
                handles[i] = moirai.spawnAsync(() -> {
                    supplied.countDown();
                    return stage;
                });
            }
            await(supplied, java.time.Duration.ofSeconds(30));
            // every task is pending and none holds a thread
            assertThat(moirai.metrics().blockingThreads()).isZero();
            assertThat(TestSupport.liveThreads(prefix).size()).isLessThan(Runtime.getRuntime().availableProcessors() + 8);
            assertThat(handles[0].isFinished()).isFalse();
            assertThat(handles[n - 1].isFinished()).isFalse();

            for (int i = 0; i < n; i++) {
                stages[i].complete(i & 1023);
            }
            long sum = 0;
            long expected = 0;
            for (int i = 0; i < n; i++) {
                sum += handles[i].join(WAIT);
                expected += i & 1023;
            }
            assertThat(sum).isEqualTo(expected);
        }
    }
}

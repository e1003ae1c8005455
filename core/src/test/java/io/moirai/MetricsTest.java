package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.await;
import static io.moirai.TestSupport.eventually;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.task.TaskHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MetricsTest {

    @Test
    void workerThreadsEqualsTheBuilderSetting() {
        for (int n : new int[] {1, 2, 3}) {
            try (Moirai moirai = Moirai.builder().workerThreads(n).threadNamePrefix(uniquePrefix("m-workers")).build()) {
                RuntimeMetrics m = moirai.metrics();
                assertThat(m.workerThreads()).isEqualTo(n);
                assertThat(m.parkedWorkers()).isBetween(0, n);
            }
        }
    }

    @Test
    void freshRuntimeHasZeroCounters() {
        try (Moirai moirai = Moirai.builder().threadNamePrefix(uniquePrefix("m-fresh")).build()) {
            RuntimeMetrics m = moirai.metrics();
            assertThat(m.tasksSpawned()).isZero();
            assertThat(m.tasksCompleted()).isZero();
            assertThat(m.queuedTasks()).isZero();
            assertThat(m.steals()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void tasksSpawnedAndCompletedCountUp() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("m-count")).build()) {
            int n = 1_000;
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                handles.add(moirai.spawn(() -> 1));
            }
            assertThat(moirai.metrics().tasksSpawned()).isGreaterThanOrEqualTo(n);
            for (TaskHandle<Integer> h : handles) {
                h.join(WAIT);
            }
            // the counter may be bumped just after the handle completes: allow it a moment
            eventually(WAIT, () -> moirai.metrics().tasksCompleted() >= n,
                    () -> "tasksCompleted " + moirai.metrics().tasksCompleted());

            // blocking and async tasks and commands count as well
            moirai.spawnBlocking(() -> 1).join(WAIT);
            moirai.spawnAsync(() -> CompletableFuture.completedFuture(1)).join(WAIT);
            CountDownLatch ran = new CountDownLatch(1);
            moirai.execute(ran::countDown);
            await(ran);
            assertThat(moirai.metrics().tasksSpawned()).isGreaterThanOrEqualTo(n + 3);
            eventually(WAIT, () -> moirai.metrics().tasksCompleted() >= n + 3,
                    () -> "tasksCompleted " + moirai.metrics().tasksCompleted());
            RuntimeMetrics m = moirai.metrics();
            assertThat(m.tasksCompleted()).isLessThanOrEqualTo(m.tasksSpawned());
        }
    }

    @Test
    void parkedWorkersReachesWorkerThreadsWhenIdle() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("m-parked")).build()) {
            // time is the subject: idle workers park shortly after creation...
            eventually(WAIT, () -> moirai.metrics().parkedWorkers() == 2,
                    () -> "parkedWorkers " + moirai.metrics().parkedWorkers());
            // ...and again after a burst of work
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                handles.add(moirai.spawn(() -> 1));
            }
            for (TaskHandle<Integer> h : handles) {
                h.join(WAIT);
            }
            eventually(WAIT, () -> moirai.metrics().parkedWorkers() == 2,
                    () -> "parkedWorkers " + moirai.metrics().parkedWorkers());
            assertThat(moirai.metrics().queuedTasks()).isZero();
        }
    }

    @Test
    void queuedTasksCountsTasksWaitingBehindBlockedWorkers() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("m-queued")).build()) {
            CountDownLatch running = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                handles.add(moirai.spawn(() -> {
                    running.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    return 1;
                }));
            }
            await(running);
            for (int i = 0; i < 10; i++) {
                handles.add(moirai.spawn(() -> 1));
            }
            RuntimeMetrics m = moirai.metrics();
            assertThat(m.queuedTasks()).isGreaterThan(0).isLessThanOrEqualTo(10);
            assertThat(m.parkedWorkers()).isZero();
            release.countDown();
            for (TaskHandle<Integer> h : handles) {
                assertThat(h.join(WAIT)).isEqualTo(1);
            }
            eventually(WAIT, () -> moirai.metrics().queuedTasks() == 0,
                    () -> "queuedTasks " + moirai.metrics().queuedTasks());
        }
    }
}

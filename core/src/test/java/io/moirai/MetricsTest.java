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

    /**
     * The invariant DESIGN.md states: every job counted as spawned is counted once as completed,
     * however it ends. Mixed work of every kind (tasks of each sort, cancelled and failing ones,
     * commands, channels with waiting sends and a feeding source, an interval, delays observed and
     * not, scheduled tasks run and cancelled, a parallel map, an echo over TCP), then the idle
     * runtime must report {@code tasksSpawned == tasksCompleted} and nothing queued or pending.
     */
    @Test
    void anIdleRuntimeCountsEverySpawnedJobAsCompletedAfterMixedWork() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("m-mixed")).build()) {
            List<TaskHandle<?>> handles = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                handles.add(moirai.spawn(() -> 1));
            }
            handles.add(moirai.spawn(() -> {
                throw new IllegalStateException("fails on purpose");
            }));
            // a fan-out joined on a worker: the joins run queued subtasks inline, leaving taken entries behind
            handles.add(moirai.spawn(() -> {
                List<TaskHandle<Integer>> subtasks = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    subtasks.add(moirai.spawn(() -> 1));
                }
                int sum = 0;
                for (int i = subtasks.size() - 1; i >= 0; i--) {
                    sum += subtasks.get(i).join();
                }
                return sum;
            }));
            handles.add(moirai.spawnBlocking(() -> 2));
            handles.add(moirai.spawnAsync(() -> CompletableFuture.completedFuture(3)));
            CountDownLatch command = new CountDownLatch(1);
            moirai.execute(command::countDown);
            TaskHandle<Void> never = moirai.delay(java.time.Duration.ofHours(1));
            never.cancel();
            moirai.delay(java.time.Duration.ofMillis(1)).join(WAIT); // observed: completes on a worker
            TaskHandle<Void> unobserved = moirai.delay(java.time.Duration.ofMillis(1));
            handles.add(moirai.schedule(java.time.Duration.ofMillis(1), () -> 4));
            moirai.schedule(java.time.Duration.ofHours(1), () -> 5).cancel();

            // a channel: waiting sends, a feeding source, a receiver
            io.moirai.stream.Channel<Integer> ch = io.moirai.stream.Channel.bounded(moirai, 4);
            for (int i = 0; i < 10; i++) {
                handles.add(ch.send(i));
            }
            io.moirai.stream.Streams.fromIterable(moirai, java.util.stream.IntStream.range(10, 1000).boxed().toList())
                    .subscribe(ch.asSubscriber());
            TestSubscriber<Integer> received = new TestSubscriber<>(Long.MAX_VALUE);
            ch.receiver().subscribe(received);
            received.awaitTerminal(WAIT);
            assertThat(received.values()).hasSize(1000);

            // an interval, cancelled after a few ticks
            TestSubscriber<Long> ticks = new TestSubscriber<>(Long.MAX_VALUE);
            moirai.interval(java.time.Duration.ofMillis(1)).subscribe(ticks);
            ticks.awaitValues(5);
            ticks.cancel();

            // a parallel map
            TestSubscriber<Integer> mapped = new TestSubscriber<>(Long.MAX_VALUE);
            io.moirai.stream.Streams.parallelMap(moirai,
                    io.moirai.stream.Streams.fromIterable(moirai, java.util.stream.IntStream.range(0, 5000).boxed().toList()),
                    x -> x * 2, 2).subscribe(mapped);
            mapped.awaitTerminal(WAIT);
            assertThat(mapped.values()).hasSize(5000);

            // an echo over TCP
            try (io.moirai.net.TcpListener listener = io.moirai.net.TcpListener.bind(moirai,
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))) {
                listener.connections().subscribe(new TestSubscriber<io.moirai.net.TcpConnection>(1)
                        .onNextDo((sub, c) -> c.outbound(c.inbound())));
                io.moirai.net.TcpConnection client = io.moirai.net.TcpConnection.connect(moirai, listener.localAddress()).join(WAIT);
                TestSubscriber<java.nio.ByteBuffer> echoed = new TestSubscriber<>(Long.MAX_VALUE);
                client.inbound().subscribe(echoed);
                client.outbound(io.moirai.stream.Streams.fromIterable(moirai,
                        List.of(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})))).join(WAIT);
                eventually(WAIT, () -> echoed.values().stream().mapToInt(java.nio.ByteBuffer::remaining).sum() == 3,
                        () -> "echoed " + echoed.values());
                client.close();
            }

            for (TaskHandle<?> h : handles) {
                try {
                    h.join(WAIT);
                } catch (RuntimeException expected) {
                    // the failing task
                }
            }
            await(command);
            unobserved.join(WAIT);
            eventually(WAIT, () -> {
                RuntimeMetrics m = moirai.metrics();
                return m.tasksSpawned() == m.tasksCompleted() && m.queuedTasks() == 0 && m.pendingTimers() == 0
                        && m.ioRegistrations() == 0;
            }, () -> "an idle runtime after mixed work: " + moirai.metrics());
            assertThat(moirai.metrics().tasksSpawned()).isGreaterThan(200);
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

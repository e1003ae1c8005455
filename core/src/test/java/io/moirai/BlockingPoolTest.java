package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.await;
import static io.moirai.TestSupport.opensWithin;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.task.TaskHandle;
import io.moirai.task.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingPoolTest {

    @Test
    void spawnBlockingRunsOnNonWorkerThreads() throws Exception {
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            workers.add(t);
            return t;
        };
        try (Moirai moirai = Moirai.builder()
                .workerThreads(2)
                .threadNamePrefix(uniquePrefix("blk-thread"))
                .threadFactory(factory)
                .build()) {
            Thread computeThread = moirai.spawn(Thread::currentThread).join(WAIT);
            assertThat(computeThread).isIn(workers);
            for (int i = 0; i < 20; i++) {
                Thread blockingThread = moirai.spawnBlocking(Thread::currentThread).join(WAIT);
                assertThat(blockingThread).isNotIn(workers).isNotSameAs(Thread.currentThread());
            }
        }
    }

    @Test
    void blockingTasksRunWhileEveryComputeWorkerIsBlocked() throws Exception {
        try (Moirai moirai = Moirai.builder()
                .workerThreads(1)
                .threadNamePrefix(uniquePrefix("blk-indep"))
                .build()) {
            CountDownLatch workerBlocked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> compute = moirai.spawn(() -> {
                workerBlocked.countDown();
                release.await(30, TimeUnit.SECONDS);
                return "compute";
            });
            await(workerBlocked);
            assertThat(moirai.spawnBlocking(() -> "blocking").join(WAIT)).isEqualTo("blocking");
            release.countDown();
            assertThat(compute.join(WAIT)).isEqualTo("compute");
        }
    }

    @Test
    void poolGrowsToMaxAndQueuesTheRest() throws Exception {
        try (Moirai moirai = Moirai.builder()
                .workerThreads(2)
                .maxBlockingThreads(4)
                .threadNamePrefix(uniquePrefix("blk-grow"))
                .build()) {
            int before = moirai.metrics().blockingThreads();
            assertThat(before).isLessThan(4);

            CountDownLatch allFourRunning = new CountDownLatch(4);
            Semaphore release = new Semaphore(0);
            List<TaskHandle<Integer>> first = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int v = i;
                first.add(moirai.spawnBlocking(() -> {
                    allFourRunning.countDown();
                    if (!release.tryAcquire(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                    return v;
                }));
            }
            // all four are running at the same time
            await(allFourRunning);
            assertThat(moirai.metrics().blockingThreads()).isEqualTo(4);

            CountDownLatch fifthStarted = new CountDownLatch(1);
            TaskHandle<String> fifth = moirai.spawnBlocking(() -> {
                fifthStarted.countDown();
                return "fifth";
            });
            // the fifth waits for a free thread: it neither runs nor fails (absence can only be observed over time)
            assertThat(opensWithin(fifthStarted, Duration.ofMillis(300))).as("fifth task ran beyond the limit").isFalse();
            assertThat(fifth.isFinished()).isFalse();
            assertThat(fifth.tryJoin()).isEmpty();
            assertThat(moirai.metrics().blockingThreads()).isLessThanOrEqualTo(4);
            assertThat(moirai.metrics().queuedTasks()).isGreaterThanOrEqualTo(1);

            // one finishes -> the fifth runs
            release.release(1);
            await(fifthStarted);
            assertThat(fifth.join(WAIT)).isEqualTo("fifth");
            assertThat(moirai.metrics().blockingThreads()).isLessThanOrEqualTo(4);

            release.release(3);
            int sum = 0;
            for (TaskHandle<Integer> h : first) {
                sum += h.join(WAIT);
            }
            assertThat(sum).isEqualTo(0 + 1 + 2 + 3);
        }
    }

    @Test
    void manyBlockingTasksBeyondTheLimitAllComplete() throws Exception {
        try (Moirai moirai = Moirai.builder()
                .maxBlockingThreads(3)
                .threadNamePrefix(uniquePrefix("blk-many"))
                .build()) {
            AtomicInteger concurrent = new AtomicInteger();
            AtomicInteger maxConcurrent = new AtomicInteger();
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                int v = i;
                handles.add(moirai.spawnBlocking(() -> {
                    int c = concurrent.incrementAndGet();
                    maxConcurrent.accumulateAndGet(c, Math::max);
                    Thread.yield();
                    concurrent.decrementAndGet();
                    return v;
                }));
            }
            long sum = 0;
            for (TaskHandle<Integer> h : handles) {
                sum += h.join(WAIT);
            }
            assertThat(sum).isEqualTo(2_000L * 1_999 / 2);
            assertThat(maxConcurrent.get()).isBetween(1, 3);
        }
    }

    @Test
    void idleBlockingThreadsRetireAfterKeepAlive() throws Exception {
        try (Moirai moirai = Moirai.builder()
                .maxBlockingThreads(4)
                .blockingKeepAlive(Duration.ofMillis(200))
                .threadNamePrefix(uniquePrefix("blk-retire"))
                .build()) {
            CountDownLatch allRunning = new CountDownLatch(4);
            CountDownLatch release = new CountDownLatch(1);
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                handles.add(moirai.spawnBlocking(() -> {
                    allRunning.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    return 1;
                }));
            }
            await(allRunning);
            assertThat(moirai.metrics().blockingThreads()).isEqualTo(4);
            release.countDown();
            for (TaskHandle<Integer> h : handles) {
                assertThat(h.join(WAIT)).isEqualTo(1);
            }
            // time is the subject here: poll the metrics until the idle threads have retired
            TestSupport.eventually(Duration.ofSeconds(10), () -> moirai.metrics().blockingThreads() == 0,
                    () -> "blockingThreads still " + moirai.metrics().blockingThreads());

            // the pool grows again afterwards
            assertThat(moirai.spawnBlocking(() -> "again").join(WAIT)).isEqualTo("again");
        }
    }

    @Test
    void cancellingARunningBlockingTaskInterruptsIt() throws Exception {
        try (Moirai moirai = Moirai.builder().threadNamePrefix(uniquePrefix("blk-cancel")).build()) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            CountDownLatch never = new CountDownLatch(1);
            TaskHandle<String> h = moirai.spawnBlocking(() -> {
                started.countDown();
                try {
                    never.await(30, TimeUnit.SECONDS);
                    return "not interrupted";
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            });
            await(started);
            assertThat(h.cancel()).isTrue();
            await(interrupted);
            assertThat(h.isCancelled()).isTrue();
            assertThat(h.isFinished()).isTrue();
            assertThatThrownBy(h::join).isInstanceOf(CancellationException.class);
            assertThatThrownBy(() -> h.join(WAIT)).isInstanceOf(CancellationException.class);
            assertThat(h.tryJoin()).containsInstanceOf(TaskResult.Cancelled.class);

            // the interrupted thread is reusable and its interrupt flag does not leak into the next task
            for (int i = 0; i < 10; i++) {
                assertThat(moirai.spawnBlocking(() -> Thread.currentThread().isInterrupted()).join(WAIT)).isFalse();
            }
        }
    }

    @Test
    void cancellingAQueuedBlockingTaskMeansItNeverRuns() throws Exception {
        try (Moirai moirai = Moirai.builder()
                .maxBlockingThreads(1)
                .threadNamePrefix(uniquePrefix("blk-cancel-q"))
                .build()) {
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<Integer> blocker = moirai.spawnBlocking(() -> {
                running.countDown();
                release.await(30, TimeUnit.SECONDS);
                return 1;
            });
            await(running);
            AtomicInteger ran = new AtomicInteger();
            TaskHandle<Integer> queued = moirai.spawnBlocking(ran::incrementAndGet);
            assertThat(queued.cancel()).isTrue();
            assertThat(queued.isCancelled()).isTrue();
            release.countDown();
            assertThat(blocker.join(WAIT)).isEqualTo(1);
            // a task queued after the cancelled one runs, so the queue has been drained past it
            assertThat(moirai.spawnBlocking(() -> 2).join(WAIT)).isEqualTo(2);
            assertThat(ran.get()).isZero();
            assertThatThrownBy(queued::join).isInstanceOf(CancellationException.class);
        }
    }
}

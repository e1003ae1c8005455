package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.await;
import static io.moirai.TestSupport.opensWithin;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.task.TaskHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * {@code Builder.blockingThreadFactory} with a virtual-thread factory: a thread per blocking task. The
 * project compiles for Java 17, so the factory is built and {@code isVirtual()} called by reflection;
 * on a JDK before 21 the class is skipped with the reason below. Run it on a newer JDK with
 * {@code JAVA_HOME=/path/to/jdk-21+ mvn -B -pl core test -Dtest=VirtualBlockingThreadsTest} (see the README).
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need JDK 21 or newer; run with JAVA_HOME set to one")
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VirtualBlockingThreadsTest {

    /** {@code Thread.ofVirtual().name(prefix, 0).factory()}, by reflection. */
    static ThreadFactory virtualFactory(String prefix) throws ReflectiveOperationException {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        builder = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix, 0L);
        return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
    }

    /** {@code Thread.currentThread().isVirtual()}, by reflection. */
    static boolean currentIsVirtual() throws ReflectiveOperationException {
        return (boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
    }

    @Test
    void eachBlockingTaskRunsOnAVirtualThreadOfItsOwn() throws Exception {
        String prefix = uniquePrefix("vt") + "-";
        try (Moirai moirai = Moirai.builder()
                .workerThreads(1)
                .threadNamePrefix(uniquePrefix("vt-own"))
                .blockingThreadFactory(virtualFactory(prefix))
                .build()) {
            assertThat(moirai.spawnBlocking(VirtualBlockingThreadsTest::currentIsVirtual).join(WAIT)).isTrue();
            assertThat(moirai.spawn(VirtualBlockingThreadsTest::currentIsVirtual).join(WAIT))
                    .as("compute workers stay platform threads").isFalse();
            Thread first = moirai.spawnBlocking(Thread::currentThread).join(WAIT);
            Thread second = moirai.spawnBlocking(Thread::currentThread).join(WAIT);
            assertThat(second).as("no virtual thread is reused").isNotSameAs(first);
            assertThat(first.getName()).startsWith(prefix);
            first.join(WAIT.toMillis());
            second.join(WAIT.toMillis());
            assertThat(first.isAlive()).as("the thread ends with its task").isFalse();
            assertThat(second.isAlive()).isFalse();
            assertThat(moirai.metrics().blockingThreads()).isZero();
        }
    }

    @Test
    void cancellingARunningTaskInterruptsItsVirtualThread() throws Exception {
        try (Moirai moirai = Moirai.builder()
                .workerThreads(1)
                .threadNamePrefix(uniquePrefix("vt-cancel"))
                .blockingThreadFactory(virtualFactory("vt-cancel-"))
                .build()) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch interrupted = new CountDownLatch(1);
            TaskHandle<String> h = moirai.spawnBlocking(() -> {
                started.countDown();
                try {
                    Thread.sleep(60_000);
                    return "slept";
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            });
            await(started);
            assertThat(h.cancel()).isTrue();
            await(interrupted);
            assertThatThrownBy(h::join).isInstanceOf(CancellationException.class);
            assertThat(moirai.spawnBlocking(() -> Thread.currentThread().isInterrupted()).join(WAIT)).isFalse();
        }
    }

    @Test
    void tenThousandSleepingTasksRunAtOnceOnAFewPlatformThreads() throws Exception {
        int n = 10_000;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (Moirai moirai = Moirai.builder()
                .workerThreads(2)
                .maxBlockingThreads(n)
                .threadNamePrefix(uniquePrefix("vt-many"))
                .blockingThreadFactory(virtualFactory("vt-many-"))
                .build()) {
            mx.resetPeakThreadCount();
            int platformBefore = mx.getThreadCount();
            // every task waits until all n have started: only n threads at once can pass this barrier
            CountDownLatch allStarted = new CountDownLatch(n);
            List<TaskHandle<Boolean>> handles = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                handles.add(moirai.spawnBlocking(() -> {
                    allStarted.countDown();
                    if (!allStarted.await(60, TimeUnit.SECONDS)) {
                        return false;
                    }
                    Thread.sleep(50);
                    return true;
                }));
            }
            for (TaskHandle<Boolean> h : handles) {
                assertThat(h.join(Duration.ofSeconds(60))).isTrue();
            }
            int peak = mx.getPeakThreadCount();
            // ThreadMXBean counts platform threads only: the carriers (about one per core) and the JVM's own
            assertThat(peak - platformBefore).as("platform threads added while 10,000 tasks slept").isLessThan(100);
            TestSupport.eventually(WAIT, () -> moirai.metrics().blockingThreads() == 0,
                    () -> "virtual threads still counted: " + moirai.metrics().blockingThreads());
        }
    }

    @Test
    void theLimitBoundsTheTasksRunningAtOnce() throws Exception {
        try (Moirai moirai = Moirai.builder()
                .workerThreads(1)
                .maxBlockingThreads(4)
                .blockingKeepAlive(Duration.ofMillis(1)) // not used by virtual threads
                .threadNamePrefix(uniquePrefix("vt-bound"))
                .blockingThreadFactory(virtualFactory("vt-bound-"))
                .build()) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            CountDownLatch fourRunning = new CountDownLatch(4);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch fifthStarted = new CountDownLatch(1);
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                handles.add(moirai.spawnBlocking(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    fourRunning.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    running.decrementAndGet();
                    return 1;
                }));
            }
            await(fourRunning);
            TaskHandle<Integer> fifth = moirai.spawnBlocking(() -> {
                fifthStarted.countDown();
                return 1;
            });
            // absence over time is the subject: the fifth waits for a slot
            assertThat(opensWithin(fifthStarted, Duration.ofMillis(200))).isFalse();
            assertThat(moirai.metrics().blockingThreads()).isEqualTo(4);
            assertThat(moirai.metrics().queuedTasks()).isEqualTo(1);
            release.countDown();
            assertThat(fifth.join(WAIT)).isEqualTo(1);
            for (int i = 0; i < 200; i++) {
                handles.add(moirai.spawnBlocking(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Thread.sleep(1);
                    running.decrementAndGet();
                    return 1;
                }));
            }
            int sum = 0;
            for (TaskHandle<Integer> h : handles) {
                sum += h.join(WAIT);
            }
            assertThat(sum).isEqualTo(204);
            assertThat(most.get()).isBetween(1, 4);
        }
    }
}

package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.moirai.task.TaskHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An idle runtime uses (almost) no CPU: its threads park instead of spinning. Measured as thread CPU time. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IdleCpuTest {

    private static final long MAX_IDLE_CPU_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @BeforeAll
    static void cpuTimeSupported() {
        assumeTrue(THREADS.isThreadCpuTimeSupported(), "thread CPU time not supported");
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
    }

    /** @return CPU nanoseconds so far of each live thread named with {@code prefix}, by thread id */
    private static Map<Long, Long> cpuByThread(String prefix) {
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread t : TestSupport.liveThreads(prefix)) {
            long nanos = THREADS.getThreadCpuTime(t.getId());
            if (nanos >= 0) {
                cpu.put(t.getId(), nanos);
            }
        }
        return cpu;
    }

    /** Measures the CPU the runtime's threads use over one second of idleness. */
    private static long idleCpuOverOneSecond(String prefix) throws InterruptedException {
        Map<Long, Long> before = cpuByThread(prefix);
        assertThat(before).as("threads named %s*", prefix).isNotEmpty();
        // time is the subject: stay idle for one second
        Thread.sleep(1_000);
        Map<Long, Long> after = cpuByThread(prefix);
        long used = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            used += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        System.out.printf("%s: %d threads used %.3f ms CPU in 1 s of idleness%n", prefix, after.size(), used / 1e6);
        return used;
    }

    @Test
    void freshRuntimeIsIdle() throws Exception {
        String prefix = uniquePrefix("idle-fresh");
        try (Moirai moirai = Moirai.builder().threadNamePrefix(prefix).build()) {
            // let the threads start and settle (workers may spin a few microseconds before parking)
            TestSupport.eventually(WAIT, () -> moirai.metrics().parkedWorkers() == moirai.metrics().workerThreads(),
                    () -> "parkedWorkers " + moirai.metrics().parkedWorkers());
            long used = idleCpuOverOneSecond(prefix);
            assertThat(TimeUnit.NANOSECONDS.toMillis(used)).as("CPU ms used by an idle fresh runtime in 1 s")
                    .isLessThan(TimeUnit.NANOSECONDS.toMillis(MAX_IDLE_CPU_NANOS));
        }
    }

    @Test
    void runtimeIsIdleAgainAfterWork() throws Exception {
        String prefix = uniquePrefix("idle-after");
        try (Moirai moirai = Moirai.builder().workerThreads(2).maxBlockingThreads(4).threadNamePrefix(prefix).build()) {
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                handles.add(moirai.spawn(() -> 1));
            }
            for (int i = 0; i < 20; i++) {
                handles.add(moirai.spawnBlocking(() -> 1));
            }
            for (TaskHandle<Integer> h : handles) {
                h.join(WAIT);
            }
            CountDownLatch ran = new CountDownLatch(1000);
            for (int i = 0; i < 1000; i++) {
                moirai.execute(ran::countDown);
            }
            TestSupport.await(ran);
            TestSupport.eventually(WAIT, () -> moirai.metrics().parkedWorkers() == 2,
                    () -> "parkedWorkers " + moirai.metrics().parkedWorkers());
            long used = idleCpuOverOneSecond(prefix);
            assertThat(TimeUnit.NANOSECONDS.toMillis(used)).as("CPU ms used by an idle runtime after work in 1 s")
                    .isLessThan(TimeUnit.NANOSECONDS.toMillis(MAX_IDLE_CPU_NANOS));
        }
    }
}

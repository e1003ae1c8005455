package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a spawn allocates on the spawning thread, counted by the JVM ({@code ThreadMXBean}'s allocated
 * bytes, not timed): without a task decorator it is the task object alone, so the decorator hook costs
 * nothing when unset; with one, the decorated call and the decorator's runnable come on top.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpawnAllocationTest {

    private static final int ROUNDS = 50_000;
    private static final Callable<Integer> BODY = () -> 1; // non-capturing: one instance, allocated once

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** @return bytes allocated by the calling thread per spawn, after a warm-up */
    private static double bytesPerSpawn(Moirai moirai) throws Exception {
        for (int i = 0; i < ROUNDS; i++) { // warm-up: class loading, JIT, the queue's first chunks
            moirai.spawn(BODY);
        }
        moirai.spawn(BODY).join(WAIT);
        long id = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(id);
        for (int i = 0; i < ROUNDS; i++) {
            moirai.spawn(BODY);
        }
        long after = THREADS.getThreadAllocatedBytes(id);
        moirai.spawn(BODY).join(WAIT);
        return (double) (after - before) / ROUNDS;
    }

    @Test
    void withoutADecoratorASpawnAllocatesOnlyItsTask() throws Exception {
        double plain;
        try (Moirai moirai = Moirai.builder().workerThreads(1).threadNamePrefix(uniquePrefix("alloc-plain")).build()) {
            plain = bytesPerSpawn(moirai);
        }
        UnaryOperator<Runnable> decorator = body -> body::run;
        double decorated;
        try (Moirai moirai = Moirai.builder().workerThreads(1).threadNamePrefix(uniquePrefix("alloc-dec"))
                .taskDecorator(decorator).build()) {
            decorated = bytesPerSpawn(moirai);
        }
        System.out.printf("bytes per spawn from outside the pool: %.1f without a decorator, %.1f with one%n",
                plain, decorated);
        // a ComputeTask is 32 bytes with compressed references; the global queue's chunks are pooled
        assertThat(plain).as("bytes per undecorated spawn").isLessThanOrEqualTo(48.0);
        // the measure sees the decorator's objects (about 48 bytes: the decorated call and the runnable)
        assertThat(decorated - plain).as("bytes a decorator adds per spawn").isGreaterThanOrEqualTo(32.0);
    }
}

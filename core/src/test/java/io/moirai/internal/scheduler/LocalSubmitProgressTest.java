package io.moirai.internal.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import io.moirai.TestSupport;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * A job submitted from a compute worker runs even when that worker then blocks outside Moirai (on a
 * latch or a plain future, not on {@code join}) while every other worker is parked. The submission
 * lands in the submitting worker's "next" slot; this checks that a parked worker is woken for it and
 * may take it (Reactor's expectation that a task on one scheduler makes progress while another task
 * blocks; the shape of its {@code FluxSubscribeOnTest} "gh507" case).
 *
 * <p>Each repetition starts from a runtime whose two workers are parked, so the submission is the only
 * thing that can wake one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LocalSubmitProgressTest {

    /** Far beyond the microseconds a wake-up takes; a lost wake-up makes the inner wait time out. */
    private static final Duration INNER_WAIT = Duration.ofSeconds(5);

    private Moirai moirai;

    @BeforeEach
    void start() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix(TestSupport.uniquePrefix("local-submit")).build();
    }

    @AfterEach
    void stop() {
        moirai.close();
    }

    private void awaitAllParked() {
        TestSupport.eventually(TestSupport.WAIT, () -> moirai.metrics().parkedWorkers() == 2,
                () -> "parkedWorkers " + moirai.metrics().parkedWorkers());
    }

    /**
     * Runs {@code submitThenBlock} on a compute worker: it submits a job that opens the latch, then
     * waits for the latch without helping. The outer task reports whether the latch opened in time.
     */
    private void assertProgress(BiConsumer<Moirai, CountDownLatch> submit) throws Exception {
        awaitAllParked();
        TaskHandle<Boolean> outer = moirai.spawn(() -> {
            CountDownLatch ran = new CountDownLatch(1);
            submit.accept(moirai, ran);
            return ran.await(INNER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        });
        assertThat(outer.join(TestSupport.WAIT)).as("the job submitted from the blocked worker ran").isTrue();
    }

    @RepeatedTest(10)
    void executeFromAWorkerThatThenBlocksOnALatch() throws Exception {
        assertProgress((m, ran) -> m.execute(ran::countDown));
    }

    @RepeatedTest(10)
    void spawnFromAWorkerThatThenBlocksOnALatch() throws Exception {
        assertProgress((m, ran) -> m.spawn(() -> {
            ran.countDown();
            return null;
        }));
    }

    @RepeatedTest(10)
    void spawnFromAWorkerThatThenBlocksOnAPlainFuture() throws Exception {
        awaitAllParked();
        TaskHandle<Integer> outer = moirai.spawn(() -> {
            CompletableFuture<Integer> inner = moirai.spawn(() -> 42).toCompletableFuture();
            return inner.get(INNER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        });
        assertThat(outer.join(TestSupport.WAIT)).isEqualTo(42);
    }

    /** Two jobs submitted back to back (the second displaces the first into the queue) both run. */
    @RepeatedTest(10)
    void twoSubmissionsFromAWorkerThatThenBlocks() throws Exception {
        awaitAllParked();
        TaskHandle<Boolean> outer = moirai.spawn(() -> {
            CountDownLatch ran = new CountDownLatch(2);
            moirai.execute(ran::countDown);
            moirai.execute(ran::countDown);
            return ran.await(INNER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        });
        assertThat(outer.join(TestSupport.WAIT)).as("both jobs submitted from the blocked worker ran").isTrue();
    }
}

package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.eventually;
import static io.moirai.TestSupport.opensWithin;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.task.TaskFailedException;
import io.moirai.task.TaskHandle;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Moirai#delay} and {@link Moirai#schedule}: never early, on the compute workers, cancellable, counted. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimerTest {

    /** Generous bound on how late a timer may fire on a loaded 2-core machine (time is the subject). */
    private static final Duration LATENESS = Duration.ofSeconds(1);
    private static final Duration HOUR = Duration.ofHours(1);

    private static Moirai runtime(String prefix) {
        return Moirai.builder().workerThreads(2).threadNamePrefix(prefix).build();
    }

    private static void awaitPendingTimers(Moirai moirai, long expected) {
        eventually(WAIT, () -> moirai.metrics().pendingTimers() == expected,
                () -> "pendingTimers " + moirai.metrics().pendingTimers() + ", expected " + expected);
    }

    // ---------------------------------------------------------------- delay

    @Test
    void delayNeverFiresEarlyAndFiresWithinAGenerousBound() throws Exception {
        try (Moirai moirai = runtime(uniquePrefix("t-delay"))) {
            List<Duration> delays = new ArrayList<>();
            for (int ms : new int[] {1, 2, 3, 5, 7, 10, 16, 20, 33, 50}) {
                delays.add(Duration.ofMillis(ms));
            }
            // around the wheel's tick (2^20 ns) and below a millisecond
            for (long nanos : new long[] {1, 1_000, 999_999, 1_048_575, 1_048_577, 2_097_153, 2_500_000}) {
                delays.add(Duration.ofNanos(nanos));
            }
            for (int round = 0; round < 3; round++) {
                for (Duration d : delays) {
                    long start = System.nanoTime();
                    TaskHandle<Void> h = moirai.delay(d);
                    assertThat(h.join(WAIT)).isNull();
                    long elapsed = System.nanoTime() - start;
                    assertThat(elapsed).as("delay(%s) completed after %d ns", d, elapsed)
                            .isGreaterThanOrEqualTo(d.toNanos())
                            .isLessThan(d.plus(LATENESS).toNanos());
                    assertThat(h.isFinished()).isTrue();
                    assertThat(h.isCancelled()).isFalse();
                }
            }
        }
    }

    /**
     * A timer due after the one the I/O thread sleeps towards does not wake it (it is inserted when the
     * thread wakes for the earlier one): it still counts as pending at once, and every timer fires, in
     * deadline order, never early. A timer due before it wakes the thread.
     */
    @Test
    void timersDueAfterTheDriversWakeUpAreBatchedAndStillFireInOrder() throws Exception {
        try (Moirai moirai = runtime(uniquePrefix("t-batched"))) {
            TaskHandle<Void> far = moirai.delay(HOUR);
            awaitPendingTimers(moirai, 1);
            long start = System.nanoTime();
            TaskHandle<Void> first = moirai.delay(Duration.ofMillis(500));
            awaitPendingTimers(moirai, 2); // the driver now sleeps towards 500 ms
            List<TaskHandle<Void>> later = new ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                later.add(moirai.delay(Duration.ofMillis(500 + i)));
            }
            awaitPendingTimers(moirai, 102); // handed over: counted whether or not the driver inserted them yet
            TaskHandle<Void> earlier = moirai.delay(Duration.ofMillis(5)); // before the driver's wake-up
            earlier.join(WAIT);
            assertThat(first.isFinished()).as("the 500 ms timer after the 5 ms one").isFalse();
            first.join(WAIT);
            for (int i = 0; i < later.size(); i++) {
                later.get(i).join(WAIT);
                assertThat(System.nanoTime() - start).as("timer %d never fires early", i + 1)
                        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(501 + i));
            }
            far.cancel();
            awaitPendingTimers(moirai, 0);
        }
    }

    @Test
    void concurrentDelaysNeverFireEarly() throws Exception {
        try (Moirai moirai = runtime(uniquePrefix("t-delay-conc"))) {
            int n = 50;
            long[] starts = new long[n];
            List<TaskHandle<Void>> handles = new ArrayList<>();
            long[] ends = new long[n];
            CountDownLatch done = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                int idx = i;
                starts[i] = System.nanoTime();
                TaskHandle<Void> h = moirai.delay(Duration.ofMillis(1 + i));
                h.toCompletableFuture().whenComplete((v, e) -> {
                    ends[idx] = System.nanoTime();
                    done.countDown();
                });
                handles.add(h);
            }
            TestSupport.await(done);
            for (int i = 0; i < n; i++) {
                assertThat(handles.get(i).join(WAIT)).isNull();
                assertThat(ends[i] - starts[i]).as("delay of %d ms", 1 + i)
                        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1 + i));
            }
        }
    }

    @Test
    void pendingDelayIsNotFinishedAndHoldsNoJoinResult() throws Exception {
        try (Moirai moirai = runtime(uniquePrefix("t-pending"))) {
            TaskHandle<Void> h = moirai.delay(HOUR);
            assertThat(h.isFinished()).isFalse();
            assertThat(h.tryJoin()).isEmpty();
            assertThatThrownBy(() -> h.join(Duration.ofMillis(20))).isInstanceOf(TimeoutException.class);
            assertThat(h.cancel()).isTrue();
        }
    }

    @Test
    void delayObserversAreSignalledOnAComputeWorker() {
        String prefix = uniquePrefix("t-observer");
        try (Moirai moirai = runtime(prefix)) {
            TaskHandle<Void> h = moirai.delay(Duration.ofMillis(100));
            TestSubscriber<Void> s = new TestSubscriber<>(1);
            h.subscribe(s);
            s.awaitTerminal();
            assertThat(s.completions()).isEqualTo(1);
            assertThat(s.values()).isEmpty();
            assertThat(s.errors()).isEmpty();
            assertThat(s.violations()).isEmpty();
            assertThat(s.terminalThread()).as("thread of onComplete").startsWith(prefix + "-worker-");
        }
    }

    // ---------------------------------------------------------------- schedule

    @Test
    void scheduleRunsTheTaskOnAComputeWorkerAfterTheDelay() throws Exception {
        String prefix = uniquePrefix("t-schedule");
        try (Moirai moirai = runtime(prefix)) {
            for (int ms : new int[] {1, 5, 30}) {
                AtomicLong ranAt = new AtomicLong();
                long start = System.nanoTime();
                TaskHandle<String> h = moirai.schedule(Duration.ofMillis(ms), () -> {
                    ranAt.set(System.nanoTime());
                    return Thread.currentThread().getName();
                });
                String thread = h.join(WAIT);
                assertThat(thread).as("thread that ran the scheduled task").startsWith(prefix + "-worker-");
                assertThat(ranAt.get() - start).as("schedule(%d ms) ran after", ms)
                        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(ms))
                        .isLessThan(TimeUnit.MILLISECONDS.toNanos(ms) + LATENESS.toNanos());
            }
        }
    }

    @Test
    void scheduledTaskFailureReachesJoin() {
        try (Moirai moirai = runtime(uniquePrefix("t-schedule-fail"))) {
            IOException boom = new IOException("boom");
            TaskHandle<Object> h = moirai.schedule(Duration.ofMillis(5), () -> {
                throw boom;
            });
            assertThatThrownBy(() -> h.join(WAIT)).isInstanceOf(TaskFailedException.class).cause().isSameAs(boom);
        }
    }

    @Test
    void cancelBeforeTheDeadlineMeansTheTaskNeverRuns() throws Exception {
        try (Moirai moirai = runtime(uniquePrefix("t-cancel"))) {
            assertThat(moirai.metrics().pendingTimers()).isZero();
            CountDownLatch ran = new CountDownLatch(1);
            Duration d = Duration.ofMillis(300);
            TaskHandle<String> h = moirai.schedule(d, () -> {
                ran.countDown();
                return "ran";
            });
            awaitPendingTimers(moirai, 1);
            assertThat(h.cancel()).isTrue();
            assertThat(h.cancel()).isFalse();
            assertThat(h.isCancelled()).isTrue();
            assertThat(h.isFinished()).isTrue();
            assertThatThrownBy(() -> h.join(WAIT)).isInstanceOf(CancellationException.class);
            awaitPendingTimers(moirai, 0);
            // time is the subject: watch until well past the deadline
            assertThat(opensWithin(ran, d.multipliedBy(2))).as("cancelled scheduled task ran").isFalse();
            assertThat(moirai.metrics().pendingTimers()).isZero();
        }
    }

    @Test
    void cancelledDelayLeavesNoPendingTimer() throws Exception {
        try (Moirai moirai = runtime(uniquePrefix("t-cancel-delay"))) {
            TaskHandle<Void> h = moirai.delay(HOUR);
            TestSubscriber<Void> s = new TestSubscriber<>(1);
            h.subscribe(s);
            awaitPendingTimers(moirai, 1);
            assertThat(h.cancel()).isTrue();
            assertThatThrownBy(h::join).isInstanceOf(CancellationException.class);
            assertThat(s.awaitError()).isInstanceOf(CancellationException.class);
            awaitPendingTimers(moirai, 0);
        }
    }

    @Test
    void manyCancelledTimersAllLeaveTheWheel() {
        try (Moirai moirai = runtime(uniquePrefix("t-cancel-many"))) {
            int n = 10_000;
            List<TaskHandle<?>> handles = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                handles.add(i % 2 == 0 ? moirai.delay(HOUR.plusMillis(i)) : moirai.schedule(Duration.ofSeconds(30 + i), () -> 1));
            }
            // (that all n count while pending is pendingTimersCountsEveryScheduledTimer's subject)
            for (TaskHandle<?> h : handles) {
                assertThat(h.cancel()).isTrue();
            }
            awaitPendingTimers(moirai, 0);
            for (TaskHandle<?> h : handles) {
                assertThat(h.isCancelled()).isTrue();
            }
        }
    }

    @Test
    void pendingTimersCountsEveryScheduledTimer() {
        try (Moirai moirai = runtime(uniquePrefix("t-count"))) {
            TaskHandle<Void> first = moirai.delay(HOUR);
            awaitPendingTimers(moirai, 1);
            // timers due after the earliest one count as soon as they are scheduled, too
            TaskHandle<Void> second = moirai.delay(HOUR.multipliedBy(2));
            TaskHandle<Integer> third = moirai.schedule(HOUR.multipliedBy(3), () -> 3);
            awaitPendingTimers(moirai, 3);
            second.cancel();
            awaitPendingTimers(moirai, 2);
            first.cancel();
            third.cancel();
            awaitPendingTimers(moirai, 0);

            // and many at once, in random order of deadlines
            int n = 10_000;
            SplittableRandom random = new SplittableRandom(7);
            List<TaskHandle<?>> handles = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Duration d = Duration.ofSeconds(60 + random.nextInt(7_200));
                handles.add(i % 2 == 0 ? moirai.delay(d) : moirai.schedule(d, () -> 1));
            }
            awaitPendingTimers(moirai, n);
            handles.forEach(TaskHandle::cancel);
            awaitPendingTimers(moirai, 0);
        }
    }

    @Test
    void firedTimersLeaveNoPendingTimer() throws Exception {
        try (Moirai moirai = runtime(uniquePrefix("t-fired"))) {
            moirai.delay(Duration.ofMillis(5)).join(WAIT);
            moirai.schedule(Duration.ofMillis(5), () -> 1).join(WAIT);
            awaitPendingTimers(moirai, 0);
        }
    }

    // ---------------------------------------------------------------- bad input, shutdown

    @Test
    void nullArgumentsAreRejectedNamingTheParameter() {
        try (Moirai moirai = runtime(uniquePrefix("t-null"))) {
            assertThatThrownBy(() -> moirai.delay(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("delay");
            assertThatThrownBy(() -> moirai.schedule(null, () -> 1)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("delay");
            assertThatThrownBy(() -> moirai.schedule(Duration.ofMillis(1), null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("task");
            assertThat(moirai.metrics().pendingTimers()).isZero();
        }
    }

    @Test
    void nonPositiveDelaysAreRejectedNamingTheValue() {
        try (Moirai moirai = runtime(uniquePrefix("t-bad"))) {
            for (Duration d : new Duration[] {Duration.ZERO, Duration.ofNanos(-1), Duration.ofMillis(-5), Duration.ofDays(-1)}) {
                assertThatThrownBy(() -> moirai.delay(d)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("delay").hasMessageContaining(d.toString());
                assertThatThrownBy(() -> moirai.schedule(d, () -> 1)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("delay").hasMessageContaining(d.toString());
            }
            assertThat(moirai.metrics().pendingTimers()).isZero();
        }
    }

    @Test
    void timersAfterShutdownAreRejected() {
        Moirai moirai = runtime(uniquePrefix("t-rejected"));
        assertThat(moirai.shutdown(WAIT)).isTrue();
        assertThatThrownBy(() -> moirai.delay(Duration.ofMillis(1))).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> moirai.schedule(Duration.ofMillis(1), () -> 1)).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void shutdownCancelsPendingTimers() {
        String prefix = uniquePrefix("t-shutdown");
        Moirai moirai = runtime(prefix);
        CountDownLatch ran = new CountDownLatch(1);
        TaskHandle<Void> d = moirai.delay(HOUR);
        TaskHandle<String> s = moirai.schedule(HOUR, () -> {
            ran.countDown();
            return "ran";
        });
        TestSubscriber<Void> sub = new TestSubscriber<>(1);
        d.subscribe(sub);
        assertThat(moirai.shutdown(WAIT)).isTrue();
        assertThatThrownBy(d::join).isInstanceOf(CancellationException.class);
        assertThatThrownBy(s::join).isInstanceOf(CancellationException.class);
        assertThat(d.isCancelled()).isTrue();
        assertThat(s.isCancelled()).isTrue();
        assertThat(sub.awaitError()).isInstanceOf(CancellationException.class);
        assertThat(ran.getCount()).isEqualTo(1);
        TestSupport.assertNoThreadsLeft(prefix);
    }

    // ---------------------------------------------------------------- many

    @Test
    void manyRandomDelaysAllCompleteAndNoneEarly() throws Exception {
        try (Moirai moirai = runtime(uniquePrefix("t-many"))) {
            int n = 100_000;
            SplittableRandom random = new SplittableRandom(20240611L);
            CountDownLatch done = new CountDownLatch(n);
            LongAdder early = new LongAdder();
            LongAdder failed = new LongAdder();
            AtomicLong maxLateNanos = new AtomicLong();
            AtomicReference<String> firstEarly = new AtomicReference<>();
            for (int i = 0; i < n; i++) {
                long delayNanos = TimeUnit.MILLISECONDS.toNanos(1 + random.nextInt(200));
                long start = System.nanoTime();
                moirai.delay(Duration.ofNanos(delayNanos)).toCompletableFuture().whenComplete((v, e) -> {
                    long elapsed = System.nanoTime() - start;
                    if (e != null) {
                        failed.increment();
                    } else if (elapsed < delayNanos) {
                        early.increment();
                        firstEarly.compareAndSet(null, "delay " + delayNanos + " ns completed after " + elapsed + " ns");
                    } else {
                        maxLateNanos.accumulateAndGet(elapsed - delayNanos, Math::max);
                    }
                    done.countDown();
                });
            }
            TestSupport.await(done, Duration.ofSeconds(30));
            System.out.printf("%d delays: max lateness %.1f ms%n", n, maxLateNanos.get() / 1e6);
            assertThat(failed.sum()).as("failed delays").isZero();
            assertThat(early.sum()).as("early delays, first: %s", firstEarly.get()).isZero();
            awaitPendingTimers(moirai, 0);
        }
    }
}

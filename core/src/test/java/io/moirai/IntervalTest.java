package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.eventually;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Publisher;

/** {@link Moirai#interval}: numbered fixed-rate ticks, dropped (not buffered) without demand, cancellable. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IntervalTest {

    private static final Duration PERIOD = Duration.ofMillis(10);
    private static final Duration HOUR = Duration.ofHours(1);

    private static Moirai runtime(String prefix) {
        return Moirai.builder().workerThreads(2).threadNamePrefix(prefix).build();
    }

    private static void awaitPendingTimers(Moirai moirai, long expected) {
        eventually(WAIT, () -> moirai.metrics().pendingTimers() == expected,
                () -> "pendingTimers " + moirai.metrics().pendingTimers() + ", expected " + expected);
    }

    private static void awaitPendingTimersAtLeast(Moirai moirai, long min) {
        eventually(WAIT, () -> moirai.metrics().pendingTimers() >= min,
                () -> "pendingTimers " + moirai.metrics().pendingTimers() + ", expected at least " + min);
    }

    private static List<Long> range(int n) {
        return LongStream.range(0, n).boxed().collect(Collectors.toList());
    }

    @Test
    void ticksAreNumberedFromZeroWithUnboundedDemand() {
        String prefix = uniquePrefix("iv-ticks");
        try (Moirai moirai = runtime(prefix)) {
            int n = 10;
            long start = System.nanoTime();
            TestSubscriber<Long> s = new TestSubscriber<>(Long.MAX_VALUE);
            moirai.interval(PERIOD).subscribe(s);
            s.awaitValues(n);
            s.cancel();
            List<TestSubscriber.Item<Long>> items = s.items();
            assertThat(s.values().subList(0, n)).isEqualTo(range(n));
            for (int k = 0; k < n; k++) {
                TestSubscriber.Item<Long> item = items.get(k);
                // fixed rate: tick k comes at the end of period k + 1, never earlier
                assertThat(item.nanoTime() - start).as("time of tick %d", k)
                        .isGreaterThanOrEqualTo(PERIOD.multipliedBy(k + 1).toNanos());
                assertThat(item.thread()).as("thread of tick %d", k).startsWith(prefix + "-worker-");
            }
            assertThat(s.errors()).isEmpty();
            assertThat(s.completions()).isZero();
            assertThat(s.violations()).isEmpty();
        }
    }

    @Test
    void ticksThatCameDueWhileTheWorkersWereBusyComeBackToBackWithoutAGap() throws Exception {
        String prefix = uniquePrefix("iv-late");
        try (Moirai moirai = Moirai.builder().workerThreads(1).threadNamePrefix(prefix).build()) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch holding = new CountDownLatch(1);
            moirai.execute(() -> {
                holding.countDown();
                try {
                    release.await(); // the only worker is busy: no tick can be emitted meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(holding.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            TestSubscriber<Long> s = new TestSubscriber<>(Long.MAX_VALUE);
            moirai.interval(PERIOD).subscribe(s);
            // time is the subject: several ticks come due while the worker is held
            assertThat(s.valuesWithin(1, PERIOD.multipliedBy(6))).as("tick while the worker is held: %s", s).isFalse();
            release.countDown();
            s.awaitValues(10);
            s.cancel();
            // with demand, a fixed-rate interval catches up as a fixed-rate executor does: no tick is lost
            assertThat(s.values().subList(0, 10)).isEqualTo(range(10));
            assertThat(s.errors()).isEmpty();
            assertThat(s.violations()).isEmpty();
        }
    }

    @Test
    void aSubscriberWithoutDemandMissesTicksInsteadOfBufferingThem() {
        try (Moirai moirai = runtime(uniquePrefix("iv-drop"))) {
            TestSubscriber<Long> s = new TestSubscriber<>(1);
            moirai.interval(PERIOD).subscribe(s);
            s.awaitValues(1);
            assertThat(s.values()).containsExactly(0L);
            // time is the subject: let many periods pass without demand; nothing may arrive
            assertThat(s.valuesWithin(2, PERIOD.multipliedBy(15))).as("tick without demand: %s", s).isFalse();
            s.request(1);
            s.awaitValues(2);
            // the ticks that found no demand were dropped: the next number skips them
            assertThat(s.values().get(1)).as("tick after the pause: %s", s).isGreaterThan(1L);
            // exactly one element for one request, although more ticks passed meanwhile
            assertThat(s.valuesWithin(3, PERIOD.multipliedBy(10))).as("more than requested: %s", s).isFalse();
            assertThat(s.valueCount()).isEqualTo(2);
            // demand again: ticks resume with increasing numbers
            s.request(3);
            s.awaitValues(5);
            List<Long> v = s.values();
            for (int i = 1; i < v.size(); i++) {
                assertThat(v.get(i)).as("ticks increase: %s", v).isGreaterThan(v.get(i - 1));
            }
            s.cancel();
            assertThat(s.errors()).isEmpty();
            assertThat(s.violations()).isEmpty();
        }
    }

    @Test
    void requestingOneAtATimeFromOnNextKeepsTicking() {
        try (Moirai moirai = runtime(uniquePrefix("iv-one"))) {
            TestSubscriber<Long> s = new TestSubscriber<Long>(1).onNextDo((sub, v) -> sub.request(1));
            moirai.interval(PERIOD).subscribe(s);
            s.awaitValues(10);
            s.cancel();
            List<Long> v = s.values();
            // tick 0 whenever the subscriber's first request came before the first firing; a late firing
            // alone does not skip it (the ticks that passed while there was demand come back to back)
            assertThat(v.get(0)).isNotNegative();
            for (int i = 1; i < v.size(); i++) {
                assertThat(v.get(i)).as("ticks increase: %s", v).isGreaterThan(v.get(i - 1));
            }
            assertThat(s.violations()).isEmpty();
        }
    }

    @Test
    void cancelInsideOnNextStopsTheTicksAndRemovesTheTimer() {
        try (Moirai moirai = runtime(uniquePrefix("iv-cancel-in"))) {
            assertThat(moirai.metrics().pendingTimers()).isZero();
            // cancels on the fourth tick it receives (counted, not numbered: a late firing on a loaded
            // machine numbers its tick after the ones that passed, so tick 3 itself may never come)
            AtomicInteger received = new AtomicInteger();
            TestSubscriber<Long> s = new TestSubscriber<Long>(Long.MAX_VALUE).onNextDo((sub, v) -> {
                if (received.incrementAndGet() == 4) {
                    sub.cancel();
                }
            });
            moirai.interval(PERIOD).subscribe(s);
            s.awaitValues(4);
            awaitPendingTimers(moirai, 0);
            // time is the subject: no tick after the cancel, however long we watch
            assertThat(s.valuesWithin(5, PERIOD.multipliedBy(10))).as("tick after cancel: %s", s).isFalse();
            assertThat(s.values()).hasSize(4).isSorted().doesNotHaveDuplicates();
            assertThat(s.isTerminated()).isFalse();
            assertThat(s.violations()).isEmpty();
        }
    }

    @Test
    void cancelFromAnotherThreadStopsTheTicksAndRemovesTheTimer() {
        try (Moirai moirai = runtime(uniquePrefix("iv-cancel"))) {
            TestSubscriber<Long> s = new TestSubscriber<>(Long.MAX_VALUE);
            moirai.interval(PERIOD).subscribe(s);
            s.awaitValues(2);
            awaitPendingTimersAtLeast(moirai, 1);
            s.cancel();
            awaitPendingTimers(moirai, 0);
            int seen = s.valueCount();
            // a tick already in flight when cancel was called may still land, nothing after that
            assertThat(s.valuesWithin(seen + 2, PERIOD.multipliedBy(10))).as("ticks after cancel: %s", s).isFalse();
            assertThat(s.violations()).isEmpty();
        }
    }

    @Test
    void aSlowIntervalCountsAsOnePendingTimerUntilCancelled() {
        try (Moirai moirai = runtime(uniquePrefix("iv-pending"))) {
            TestSubscriber<Long> a = new TestSubscriber<>(Long.MAX_VALUE);
            TestSubscriber<Long> b = new TestSubscriber<>();
            Publisher<Long> hourly = moirai.interval(HOUR);
            hourly.subscribe(a);
            awaitPendingTimers(moirai, 1);
            // each subscriber has its own timer, with or without demand
            hourly.subscribe(b);
            awaitPendingTimers(moirai, 2);
            a.cancel();
            awaitPendingTimers(moirai, 1);
            b.cancel();
            awaitPendingTimers(moirai, 0);
            assertThat(a.valueCount() + b.valueCount()).isZero();
        }
    }

    @Test
    void eachSubscriberGetsItsOwnTimerStartingAtZero() {
        try (Moirai moirai = runtime(uniquePrefix("iv-cold"))) {
            Publisher<Long> ticks = moirai.interval(PERIOD);
            TestSubscriber<Long> first = new TestSubscriber<>(Long.MAX_VALUE);
            ticks.subscribe(first);
            first.awaitValues(5);
            TestSubscriber<Long> second = new TestSubscriber<>(Long.MAX_VALUE);
            ticks.subscribe(second);
            second.awaitValues(3);
            first.cancel();
            second.cancel();
            // numbered from the subscriber's own start; on a loaded machine a late tick skips numbers
            // (a missed tick is dropped, never queued), so the exact sequence is not asserted
            List<Long> a = first.values();
            List<Long> b = second.values();
            assertThat(a).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
            assertThat(b).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
            assertThat(b.get(0)).as("the second subscriber's count starts over").isLessThan(a.get(a.size() - 1));
        }
    }

    @Test
    void nonPositiveRequestSignalsIllegalArgumentNamingTheRule() {
        try (Moirai moirai = runtime(uniquePrefix("iv-3.9"))) {
            for (long n : new long[] {0, -1, Long.MIN_VALUE}) {
                TestSubscriber<Long> s = new TestSubscriber<>();
                moirai.interval(PERIOD).subscribe(s);
                s.request(n);
                Throwable error = s.awaitError();
                assertThat(error).as("request(%d)", n).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("§3.9");
                assertThat(s.violations()).isEmpty();
            }
            // §1.6: after onError the subscription is cancelled and its timer gone
            awaitPendingTimers(moirai, 0);
        }
    }

    @Test
    void nonPositiveRequestAfterTicksStillSignalsTheError() {
        try (Moirai moirai = runtime(uniquePrefix("iv-3.9-late"))) {
            TestSubscriber<Long> s = new TestSubscriber<>(2);
            moirai.interval(PERIOD).subscribe(s);
            s.awaitValues(2);
            s.request(0);
            assertThat(s.awaitError()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("§3.9");
            assertThat(s.values()).containsExactly(0L, 1L);
            awaitPendingTimers(moirai, 0);
            assertThat(s.violations()).isEmpty();
        }
    }

    @Test
    void nullSubscriberIsRejected() {
        try (Moirai moirai = runtime(uniquePrefix("iv-null-sub"))) {
            assertThatThrownBy(() -> moirai.interval(PERIOD).subscribe(null)).isInstanceOf(NullPointerException.class);
            assertThat(moirai.metrics().pendingTimers()).isZero();
        }
    }

    @Test
    void badPeriodsAreRejected() {
        try (Moirai moirai = runtime(uniquePrefix("iv-bad"))) {
            assertThatThrownBy(() -> moirai.interval(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("period");
            for (Duration d : new Duration[] {Duration.ZERO, Duration.ofNanos(-1), Duration.ofSeconds(-3)}) {
                assertThatThrownBy(() -> moirai.interval(d)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("period").hasMessageContaining(d.toString());
            }
        }
    }

    @Test
    void shutdownEndsTheSubscriptionWithCancellation() {
        String prefix = uniquePrefix("iv-shutdown");
        Moirai moirai = runtime(prefix);
        TestSubscriber<Long> fast = new TestSubscriber<>(Long.MAX_VALUE);
        TestSubscriber<Long> hourly = new TestSubscriber<>(Long.MAX_VALUE);
        moirai.interval(PERIOD).subscribe(fast);
        moirai.interval(HOUR).subscribe(hourly);
        fast.awaitValues(1);
        awaitPendingTimersAtLeast(moirai, 1);
        assertThat(moirai.shutdown(WAIT)).isTrue();
        assertThat(fast.awaitError()).isInstanceOf(CancellationException.class);
        assertThat(hourly.awaitError()).isInstanceOf(CancellationException.class);
        assertThat(fast.violations()).isEmpty();
        assertThat(hourly.violations()).isEmpty();
        TestSupport.assertNoThreadsLeft(prefix);
    }

    @Test
    void shutdownEndsSubscriptionsWhoseTimersWereJustHandedOver() {
        // timers handed to the I/O thread right before the shutdown may still wait in its queue
        for (int round = 0; round < 10; round++) {
            String prefix = uniquePrefix("iv-shutdown-fresh");
            Moirai moirai = runtime(prefix);
            List<TestSubscriber<Long>> subscribers = List.of(new TestSubscriber<>(Long.MAX_VALUE),
                    new TestSubscriber<>(), new TestSubscriber<>(1), new TestSubscriber<>(Long.MAX_VALUE));
            for (TestSubscriber<Long> s : subscribers) {
                moirai.interval(HOUR).subscribe(s);
            }
            assertThat(moirai.shutdown(WAIT)).isTrue();
            for (TestSubscriber<Long> s : subscribers) {
                assertThat(s.awaitError()).as("round %d: %s", round, s).isInstanceOf(CancellationException.class);
                assertThat(s.values()).isEmpty();
                assertThat(s.violations()).isEmpty();
            }
            TestSupport.assertNoThreadsLeft(prefix);
        }
    }

    @Test
    void subscribingAfterShutdownGetsAnErrorNotSilence() {
        Moirai moirai = runtime(uniquePrefix("iv-after"));
        Publisher<Long> ticks = moirai.interval(PERIOD);
        assertThat(moirai.shutdown(WAIT)).isTrue();
        TestSubscriber<Long> s = new TestSubscriber<>(Long.MAX_VALUE);
        ticks.subscribe(s);
        s.awaitError();
        assertThat(s.values()).isEmpty();
        assertThat(s.violations()).isEmpty();
    }
}

package io.moirai.task;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.await;
import static io.moirai.TestSupport.opensWithin;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TaskHandlePublisherTest {

    /** How long a test watches for a signal that must not arrive (absence can only be observed over time). */
    private static final Duration QUIET = Duration.ofMillis(150);

    private static Moirai runtime(String name) {
        return Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix(name)).build();
    }

    private static <T> TaskHandle<T> blocked(Moirai moirai, CountDownLatch release, T value) {
        return moirai.spawn(() -> {
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return value;
        });
    }

    private static void assertQuiet(RecordingSubscriber<?> s) {
        assertThat(opensWithin(s.nextReceived, QUIET)).as("unexpected onNext: %s", s).isFalse();
        assertThat(s.terminated.getCount()).as("unexpected terminal signal: %s", s).isEqualTo(1);
        assertThat(s.signalCount()).isZero();
    }

    private static <T> void assertValueThenComplete(RecordingSubscriber<T> s, T value) {
        assertThat(s.awaitTerminal()).as("no terminal signal: %s", s).isTrue();
        assertThat(s.values).containsExactly(value);
        assertThat(s.completions.get()).isEqualTo(1);
        assertThat(s.errors).isEmpty();
        assertThat(s.violations).isEmpty();
    }

    @Test
    void onNextOnlyAfterRequest() throws Exception {
        try (Moirai moirai = runtime("pub-request")) {
            TaskHandle<String> h = moirai.spawn(() -> "v");
            h.join(WAIT);
            RecordingSubscriber<String> s = new RecordingSubscriber<>();
            h.subscribe(s);
            await(s.subscribed);
            assertQuiet(s);
            s.request(1);
            assertValueThenComplete(s, "v");
        }
    }

    @Test
    void onNextOnlyAfterRequestForASubscriberThatCameBeforeCompletion() throws Exception {
        try (Moirai moirai = runtime("pub-request-early")) {
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> h = blocked(moirai, release, "v");
            RecordingSubscriber<String> s = new RecordingSubscriber<>();
            h.subscribe(s);
            await(s.subscribed);
            assertThat(s.signalCount()).isZero();
            s.request(1);
            assertThat(opensWithin(s.nextReceived, QUIET)).as("onNext before the task finished").isFalse();
            release.countDown();
            assertValueThenComplete(s, "v");
        }
    }

    @Test
    void noRequestMeansNoOnNextEvenWhenFinished() throws Exception {
        try (Moirai moirai = runtime("pub-norequest")) {
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> h = blocked(moirai, release, "v");
            RecordingSubscriber<String> s = new RecordingSubscriber<>();
            h.subscribe(s);
            await(s.subscribed);
            release.countDown();
            assertThat(h.join(WAIT)).isEqualTo("v");
            assertQuiet(s);
            // demand arriving later still delivers
            s.request(1);
            assertValueThenComplete(s, "v");
        }
    }

    @Test
    void nullResultGivesOnCompleteOnly() throws Exception {
        try (Moirai moirai = runtime("pub-null")) {
            TaskHandle<Object> h = moirai.spawn(() -> null);
            RecordingSubscriber<Object> s = new RecordingSubscriber<>(1);
            h.subscribe(s);
            assertThat(s.awaitTerminal()).as("no terminal signal: %s", s).isTrue();
            assertThat(s.values).isEmpty();
            assertThat(s.completions.get()).isEqualTo(1);
            assertThat(s.errors).isEmpty();
            assertThat(s.violations).isEmpty();
        }
    }

    @Test
    void failureGivesOnErrorWithTheCause() throws Exception {
        try (Moirai moirai = runtime("pub-fail")) {
            IOException boom = new IOException("boom");
            TaskHandle<Object> h = moirai.spawn(() -> {
                throw boom;
            });
            RecordingSubscriber<Object> early = new RecordingSubscriber<>(1);
            h.subscribe(early);
            assertThatThrownBy(() -> h.join(WAIT)).isInstanceOf(TaskFailedException.class);
            RecordingSubscriber<Object> late = new RecordingSubscriber<>(1);
            h.subscribe(late);
            for (RecordingSubscriber<Object> s : List.of(early, late)) {
                assertThat(s.awaitTerminal()).as("no terminal signal: %s", s).isTrue();
                assertThat(s.errors).containsExactly(boom);
                assertThat(s.values).isEmpty();
                assertThat(s.completions.get()).isZero();
                assertThat(s.violations).isEmpty();
            }
        }
    }

    @Test
    void cancelledTaskGivesOnErrorCancellationException() throws Exception {
        try (Moirai moirai = runtime("pub-cancel")) {
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> h = blocked(moirai, release, "v");
            RecordingSubscriber<String> early = new RecordingSubscriber<>(1);
            h.subscribe(early);
            await(early.subscribed);
            assertThat(h.cancel()).isTrue();
            RecordingSubscriber<String> late = new RecordingSubscriber<>(1);
            h.subscribe(late);
            for (RecordingSubscriber<String> s : List.of(early, late)) {
                assertThat(s.awaitTerminal()).as("no terminal signal: %s", s).isTrue();
                assertThat(s.errors).singleElement().isInstanceOf(CancellationException.class);
                assertThat(s.values).isEmpty();
                assertThat(s.completions.get()).isZero();
                assertThat(s.violations).isEmpty();
            }
            release.countDown();
        }
    }

    @Test
    void nonPositiveRequestSignalsIllegalArgumentNamingRule3_9() throws Exception {
        try (Moirai moirai = runtime("pub-3.9")) {
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> pending = blocked(moirai, release, "v");
            TaskHandle<String> done = moirai.spawn(() -> "d");
            done.join(WAIT);
            for (TaskHandle<String> h : List.of(pending, done)) {
                for (long n : new long[] {0, -1, Long.MIN_VALUE}) {
                    RecordingSubscriber<String> s = new RecordingSubscriber<>();
                    h.subscribe(s);
                    s.request(n);
                    assertThat(s.awaitTerminal()).as("no onError for request(%d): %s", n, s).isTrue();
                    assertThat(s.errors).singleElement()
                            .isInstanceOf(IllegalArgumentException.class)
                            .satisfies(e -> assertThat(e.getMessage()).contains("§3.9"));
                    assertThat(s.values).isEmpty();
                    assertThat(s.completions.get()).isZero();
                    assertThat(s.violations).isEmpty();
                }
            }
            // the task itself is unaffected
            assertThat(pending.isFinished()).isFalse();
            release.countDown();
            assertThat(pending.join(WAIT)).isEqualTo("v");
        }
    }

    @Test
    void nonPositiveRequestAfterPositiveRequestStillSignalsError() throws Exception {
        try (Moirai moirai = runtime("pub-3.9-late")) {
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> h = blocked(moirai, release, "v");
            RecordingSubscriber<String> s = new RecordingSubscriber<>(1);
            h.subscribe(s);
            await(s.subscribed);
            s.request(0);
            assertThat(s.awaitTerminal()).isTrue();
            assertThat(s.errors).singleElement().isInstanceOf(IllegalArgumentException.class);
            release.countDown();
            assertThat(h.join(WAIT)).isEqualTo("v");
            // no onNext after the onError
            RecordingSubscriber<String> witness = new RecordingSubscriber<>(1);
            h.subscribe(witness);
            assertValueThenComplete(witness, "v");
            assertThat(s.values).isEmpty();
            assertThat(s.violations).isEmpty();
        }
    }

    @Test
    void subscribeNullThrowsNullPointerException() throws Exception {
        try (Moirai moirai = runtime("pub-npe")) {
            TaskHandle<String> h = moirai.spawn(() -> "v");
            assertThatThrownBy(() -> h.subscribe(null)).isInstanceOf(NullPointerException.class);
            h.join(WAIT);
            assertThatThrownBy(() -> h.subscribe(null)).isInstanceOf(NullPointerException.class);
            assertThat(h.join()).isEqualTo("v");
        }
    }

    @Test
    void cancellingOneSubscriptionDoesNotAffectOtherSubscribersOrTheTask() throws Exception {
        try (Moirai moirai = runtime("pub-sub-cancel")) {
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> h = blocked(moirai, release, "v");
            RecordingSubscriber<String> cancelling = new RecordingSubscriber<>(1);
            RecordingSubscriber<String> other = new RecordingSubscriber<>(1);
            h.subscribe(cancelling);
            h.subscribe(other);
            cancelling.cancel();
            cancelling.cancel(); // idempotent (§3.7)
            cancelling.request(1); // no-op after cancel (§3.6)
            assertThat(h.isCancelled()).isFalse();
            assertThat(h.isFinished()).isFalse();
            release.countDown();
            assertThat(h.join(WAIT)).isEqualTo("v");
            assertValueThenComplete(other, "v");
            assertThat(h.isCancelled()).isFalse();
            assertThat(cancelling.signalCount()).as("signals after cancel: %s", cancelling).isZero();
            assertThat(cancelling.violations).isEmpty();
        }
    }

    @Test
    void manySubscribersEachGetTheValue() throws Exception {
        try (Moirai moirai = runtime("pub-many")) {
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<Integer> h = blocked(moirai, release, 42);
            List<RecordingSubscriber<Integer>> subscribers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                RecordingSubscriber<Integer> s = new RecordingSubscriber<>(i % 2 == 0 ? 1 : Long.MAX_VALUE);
                h.subscribe(s);
                subscribers.add(s);
            }
            release.countDown();
            h.join(WAIT);
            for (int i = 0; i < 200; i++) {
                RecordingSubscriber<Integer> s = new RecordingSubscriber<>(7);
                h.subscribe(s);
                subscribers.add(s);
            }
            for (RecordingSubscriber<Integer> s : subscribers) {
                assertValueThenComplete(s, 42);
            }
        }
    }

    @Test
    void subscribeAfterCompletionWorks() throws Exception {
        try (Moirai moirai = runtime("pub-after")) {
            TaskHandle<String> h = moirai.spawn(() -> "v");
            assertThat(h.join(WAIT)).isEqualTo("v");
            RecordingSubscriber<String> s1 = new RecordingSubscriber<>(1);
            h.subscribe(s1);
            assertValueThenComplete(s1, "v");
            RecordingSubscriber<String> s2 = new RecordingSubscriber<>(1);
            h.subscribe(s2);
            assertValueThenComplete(s2, "v");
        }
    }

    @Test
    void requestInsideOnNextDoesNotRecurse() throws Exception {
        try (Moirai moirai = runtime("pub-3.3")) {
            for (boolean finishedFirst : new boolean[] {true, false}) {
                CountDownLatch release = new CountDownLatch(1);
                TaskHandle<String> h = blocked(moirai, release, "v");
                if (finishedFirst) {
                    release.countDown();
                    h.join(WAIT);
                }
                AtomicInteger onNextCalls = new AtomicInteger();
                RecordingSubscriber<String> s = new RecordingSubscriber<String>(1).onNextDo(self -> {
                    onNextCalls.incrementAndGet();
                    self.request(1);
                    self.request(Long.MAX_VALUE);
                    self.request(1);
                });
                h.subscribe(s);
                release.countDown();
                assertValueThenComplete(s, "v");
                assertThat(onNextCalls.get()).isEqualTo(1);
                // the recorder flags an onComplete delivered inside onNext as an overlap (§1.3)
                assertThat(s.violations).isEmpty();
            }
        }
    }

    @Test
    void requestMaxValueTwiceIsFine() throws Exception {
        try (Moirai moirai = runtime("pub-3.17")) {
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> h = blocked(moirai, release, "v");
            RecordingSubscriber<String> s = new RecordingSubscriber<>();
            h.subscribe(s);
            s.request(Long.MAX_VALUE);
            s.request(Long.MAX_VALUE);
            s.request(1);
            release.countDown();
            assertValueThenComplete(s, "v");

            RecordingSubscriber<String> late = new RecordingSubscriber<>();
            h.subscribe(late);
            late.request(Long.MAX_VALUE);
            late.request(Long.MAX_VALUE);
            assertValueThenComplete(late, "v");
        }
    }

    @Test
    void requestAndCancelAfterTerminalAreNoOps() throws Exception {
        try (Moirai moirai = runtime("pub-after-terminal")) {
            TaskHandle<String> h = moirai.spawn(() -> "v");
            RecordingSubscriber<String> s = new RecordingSubscriber<>(1);
            h.subscribe(s);
            assertValueThenComplete(s, "v");
            s.request(1);
            s.request(0);
            s.cancel();
            assertThat(s.values).containsExactly("v");
            assertThat(s.terminalSignals()).isEqualTo(1);
            assertThat(s.violations).isEmpty();
            assertThat(h.isCancelled()).isFalse();
        }
    }

    @Test
    void onNextThrowingGoesToTheDroppedErrorHandlerAndAffectsNobodyElse() throws Exception {
        java.util.List<Throwable> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch droppedLatch = new CountDownLatch(1);
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("pub-2.13"))
                .droppedErrorHandler(e -> {
                    dropped.add(e);
                    droppedLatch.countDown();
                }).build()) {
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<String> h = blocked(moirai, release, "v");
            IllegalStateException boom = new IllegalStateException("onNext failed on purpose");
            RecordingSubscriber<String> throwing = new RecordingSubscriber<String>(1).onNextDo(self -> {
                throw boom;
            });
            RecordingSubscriber<String> other = new RecordingSubscriber<>(1);
            h.subscribe(throwing);
            h.subscribe(other);
            release.countDown();
            assertThat(h.join(WAIT)).isEqualTo("v");
            assertValueThenComplete(other, "v");
            await(droppedLatch);
            assertThat(dropped).anySatisfy(e -> assertThat(e).satisfiesAnyOf(
                    x -> assertThat(x).isSameAs(boom),
                    x -> assertThat(x).hasRootCause(boom)));
            // the throwing subscriber is considered cancelled (§2.13): nothing after the failed onNext
            assertThat(throwing.values).containsExactly("v");
            assertThat(throwing.terminalSignals()).isZero();
            // subscribers arriving afterwards are served, the runtime keeps working
            RecordingSubscriber<String> late = new RecordingSubscriber<>(1);
            h.subscribe(late);
            assertValueThenComplete(late, "v");
            assertThat(moirai.spawn(() -> 1).join(WAIT)).isEqualTo(1);
        }
    }
}

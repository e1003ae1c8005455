package io.moirai.stream;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.failureOf;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.moirai.TestSubscriber;
import io.moirai.TestSupport;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscriber;

/** Channel: bounds, send/trySend, close/fail, unicast, cancellation, feeding subscriber, shutdown. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChannelTest {

    /** How long a test watches for something that must not happen. */
    private static final Duration QUIET = Duration.ofMillis(200);

    private Moirai moirai;
    private String prefix;
    /** What reached the runtime's dropped-error handler. */
    private final List<Throwable> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        prefix = uniquePrefix("channel");
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix(prefix).droppedErrorHandler(dropped::add).build();
    }

    @AfterEach
    void stop() {
        moirai.close();
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void badArgumentsAreRejectedClearly() {
        assertThatThrownBy(() -> Channel.bounded(null, 1)).isInstanceOf(NullPointerException.class).hasMessageContaining("moirai");
        assertThatThrownBy(() -> Channel.bounded(moirai, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> Channel.bounded(moirai, -5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
        Channel<String> ch = Channel.bounded(moirai, 2);
        assertThatThrownBy(() -> ch.trySend(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ch.send(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ch.fail(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ch.receiver().subscribe(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("§1.9");
        // nothing was enqueued by the rejected calls: the whole capacity is still free
        assertThat(ch.trySend("a")).isTrue();
        assertThat(ch.trySend("b")).isTrue();
        assertThat(ch.trySend("c")).isFalse();
    }

    @Test
    void afterShutdownCreationIsRejected() {
        moirai.close();
        assertThatThrownBy(() -> Channel.bounded(moirai, 4)).isInstanceOf(RejectedExecutionException.class);
    }

    // ---------------------------------------------------------------- bounds and order

    @Test
    void trySendFillsExactlyTheCapacity() {
        Channel<Integer> ch = Channel.bounded(moirai, 3);
        assertThat(ch.trySend(1)).isTrue();
        assertThat(ch.trySend(2)).isTrue();
        assertThat(ch.trySend(3)).isTrue();
        assertThat(ch.trySend(4)).isFalse();
        assertThat(ch.capacity()).isEqualTo(3);
    }

    @Test
    void deliversOnlyWhatIsRequestedInOrderOnTheWorkers() throws Exception {
        Channel<Integer> ch = Channel.bounded(moirai, 8);
        for (int i = 0; i < 8; i++) {
            assertThat(ch.trySend(i)).isTrue();
        }
        TestSubscriber<Integer> sub = new TestSubscriber<>(3);
        ch.receiver().subscribe(sub);
        sub.awaitValues(3);
        assertThat(sub.valuesWithin(4, QUIET)).as("only 3 were requested").isFalse();
        sub.request(5);
        sub.awaitValues(8);
        assertThat(sub.values()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(sub.items()).allSatisfy(item -> assertThat(item.thread()).startsWith(prefix));
        assertThat(sub.violations()).isEmpty();
    }

    @Test
    void sendWaitsForRoomWithoutAThreadAndCompletesOnceEnqueued() throws Exception {
        Channel<String> ch = Channel.bounded(moirai, 1);
        TaskHandle<Void> first = ch.send("a");
        assertThat(first.join(WAIT)).isNull();
        TaskHandle<Void> second = ch.send("b");
        assertThat(second.isFinished()).isFalse();
        assertThat(ch.trySend("x")).as("a waiting send keeps its place").isFalse();
        TestSubscriber<String> sub = new TestSubscriber<>(1);
        ch.receiver().subscribe(sub);
        sub.awaitValues(1);
        assertThat(second.join(WAIT)).as("the freed slot took the waiting send").isNull();
        sub.request(10);
        sub.awaitValues(2);
        assertThat(sub.values()).containsExactly("a", "b");
    }

    @Test
    void aCancelledSendIsNeverDelivered() throws Exception {
        Channel<String> ch = Channel.bounded(moirai, 1);
        ch.trySend("a");
        TaskHandle<Void> withdrawn = ch.send("withdrawn");
        TaskHandle<Void> kept = ch.send("kept");
        assertThat(withdrawn.cancel()).isTrue();
        TestSubscriber<String> sub = new TestSubscriber<>(Long.MAX_VALUE);
        ch.receiver().subscribe(sub);
        kept.join(WAIT);
        ch.close();
        sub.awaitTerminal();
        assertThat(sub.values()).containsExactly("a", "kept");
        assertThat(withdrawn.isCancelled()).isTrue();
    }

    // ---------------------------------------------------------------- ending

    @Test
    void closeDeliversEverythingSentIncludingWaitingSendsThenCompletes() throws Exception {
        Channel<Integer> ch = Channel.bounded(moirai, 2);
        ch.trySend(1);
        ch.trySend(2);
        TaskHandle<Void> waiting = ch.send(3);
        ch.close();
        ch.close(); // idempotent
        assertThat(ch.isClosed()).isTrue();
        assertThat(failureOf(ch.send(4))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> ch.trySend(5)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        TestSubscriber<Integer> sub = new TestSubscriber<>(Long.MAX_VALUE);
        ch.receiver().subscribe(sub);
        sub.awaitTerminal();
        assertThat(sub.values()).containsExactly(1, 2, 3);
        assertThat(sub.completions()).isEqualTo(1);
        assertThat(waiting.join(WAIT)).isNull();
        assertThat(sub.violations()).isEmpty();
    }

    @Test
    void failDeliversWhatWasSentThenTheError() throws Exception {
        Channel<Integer> ch = Channel.bounded(moirai, 4);
        ch.trySend(1);
        IllegalStateException boom = new IllegalStateException("boom");
        ch.fail(boom);
        ch.fail(new RuntimeException("ignored: the first end wins"));
        ch.close();
        TestSubscriber<Integer> sub = new TestSubscriber<>(1);
        ch.receiver().subscribe(sub);
        assertThat(sub.awaitError()).isSameAs(boom);
        assertThat(sub.values()).containsExactly(1);
    }

    @Test
    void anEmptyClosedChannelCompletesWithoutDemand() throws Exception {
        Channel<Integer> ch = Channel.bounded(moirai, 4);
        ch.close();
        TestSubscriber<Integer> sub = new TestSubscriber<>();
        ch.receiver().subscribe(sub);
        sub.awaitTerminal();
        assertThat(sub.completions()).isEqualTo(1);
    }

    @Test
    void aSecondSubscriberGetsIllegalState() throws Exception {
        Channel<Integer> ch = Channel.bounded(moirai, 4);
        TestSubscriber<Integer> first = new TestSubscriber<>(1);
        ch.receiver().subscribe(first);
        TestSubscriber<Integer> second = new TestSubscriber<>(1);
        ch.receiver().subscribe(second);
        assertThat(second.awaitError()).isInstanceOf(IllegalStateException.class);
        assertThat(second.isSubscribed()).isTrue();
        ch.trySend(7);
        first.awaitValues(1);
        assertThat(first.isTerminated()).isFalse();
    }

    @Test
    void invalidRequestSignalsIllegalArgumentNamingTheRule() throws Exception {
        Channel<Integer> ch = Channel.bounded(moirai, 4);
        TestSubscriber<Integer> sub = new TestSubscriber<>();
        ch.receiver().subscribe(sub);
        sub.request(0);
        assertThat(sub.awaitError()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("§3.9");
        assertThatThrownBy(() -> ch.trySend(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cancellingTheReceiverFailsWaitingSendsAndRefusesNewOnes() throws Exception {
        Channel<Integer> ch = Channel.bounded(moirai, 1);
        ch.trySend(1);
        TaskHandle<Void> waiting = ch.send(2);
        TestSubscriber<Integer> sub = new TestSubscriber<>();
        ch.receiver().subscribe(sub);
        sub.cancel();
        assertThat(failureOf(waiting)).isInstanceOf(IllegalStateException.class).hasMessageContaining("cancelled");
        assertThatThrownBy(() -> ch.trySend(3)).isInstanceOf(IllegalStateException.class);
        assertThat(failureOf(ch.send(4))).isInstanceOf(IllegalStateException.class);
        assertThat(sub.terminatedWithin(QUIET)).as("§3.7: a cancelled subscriber hears nothing").isFalse();
    }

    @Test
    void aSubscriberThrowingFromOnNextIsCancelledAndTheErrorReported() throws Exception {
        List<Throwable> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Moirai m = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("channel-drop"))
                .droppedErrorHandler(dropped::add).build()) {
            Channel<Integer> ch = Channel.bounded(m, 4);
            ch.trySend(1);
            TestSubscriber<Integer> sub = new TestSubscriber<Integer>(Long.MAX_VALUE).onNextDo((s, v) -> {
                throw new IllegalStateException("subscriber bug");
            });
            ch.receiver().subscribe(sub);
            TestSupport.eventually(WAIT, () -> !dropped.isEmpty(), () -> "the error was not reported");
            assertThat(dropped.get(0)).hasMessage("subscriber bug");
            TestSupport.eventually(WAIT, ch::isClosed, () -> "the channel should end");
            // the runtime still works
            assertThat(m.spawn(() -> 42).join(WAIT)).isEqualTo(42);
        }
    }

    // ---------------------------------------------------------------- many producers

    @Test
    void manyConcurrentProducersKeepTheirOwnOrderAndLoseNothing() throws Exception {
        int producers = 6;
        int perProducer = 40_000;
        Channel<long[]> ch = Channel.bounded(moirai, 64);
        CountingSubscriber<long[]> sub = new CountingSubscriber<>(100);
        ch.receiver().subscribe(sub);
        List<Thread> threads = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                TestSupport.await(go);
                for (int i = 0; i < perProducer; i++) {
                    long[] item = {id, i};
                    if (i % 3 == 0) {
                        ch.send(item).join(); // waits for room without holding a worker
                    } else {
                        while (!ch.trySend(item)) {
                            Thread.onSpinWait();
                        }
                    }
                }
            }, "producer-" + p);
            threads.add(t);
            t.start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(WAIT.toMillis() * 3);
            assertThat(t.isAlive()).isFalse();
        }
        ch.close();
        sub.await(WAIT);
        assertThat(sub.completed()).isTrue();
        assertThat(sub.violations).isEmpty();
        assertThat(sub.values()).hasSize(producers * perProducer);
        long[] next = new long[producers];
        for (long[] item : sub.values()) {
            assertThat(item[1]).as("producer %d's order", item[0]).isEqualTo(next[(int) item[0]]);
            next[(int) item[0]]++;
        }
        assertThat(sub.threads).allSatisfy(name -> assertThat(name).startsWith(prefix));
    }

    @Test
    void manyProducersRacingWithCloseNeverLoseAnAcceptedItem() throws Exception {
        for (int round = 0; round < 200; round++) {
            Channel<Integer> ch = Channel.bounded(moirai, 16);
            CountingSubscriber<Integer> sub = new CountingSubscriber<>(Long.MAX_VALUE);
            ch.receiver().subscribe(sub);
            AtomicLong accepted = new AtomicLong();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                Thread t = new Thread(() -> {
                    TestSupport.await(go);
                    try {
                        for (int i = 0; i < 1_000; i++) {
                            if (ch.trySend(i)) {
                                accepted.incrementAndGet();
                            }
                        }
                    } catch (IllegalStateException closed) {
                        // expected once the channel closed
                    }
                });
                threads.add(t);
                t.start();
            }
            go.countDown();
            ch.close();
            for (Thread t : threads) {
                t.join(WAIT.toMillis());
            }
            sub.await(WAIT);
            assertThat(sub.values()).as("round %d: every accepted item arrives", round).hasSize((int) accepted.get());
        }
    }

    // ---------------------------------------------------------------- feeding subscriber

    @Test
    void asSubscriberFeedsWithBackpressureAndCompletionClosesTheChannel() throws Exception {
        int capacity = 32;
        Channel<Integer> ch = Channel.bounded(moirai, capacity);
        RangeSource source = new RangeSource(100_000);
        source.subscribe(ch.asSubscriber());
        assertThat(ch.asSubscriber()).isSameAs(ch.asSubscriber());
        TestSupport.eventually(WAIT, () -> source.requested.get() == capacity,
                () -> "the feeder should request the capacity, requested " + source.requested.get());
        assertThat(source.requested.get()).as("only what fits is requested").isEqualTo(capacity);
        // a slow receiver: the source must never run far ahead of it
        long[] maxAhead = {0};
        CountingSubscriber<Integer> sub = new CountingSubscriber<>(1) {
            @Override
            public void onNext(Integer v) {
                maxAhead[0] = Math.max(maxAhead[0], source.requested.get() - (v + 1));
                super.onNext(v);
            }
        };
        ch.receiver().subscribe(sub);
        sub.await(WAIT);
        assertThat(sub.completed()).isTrue();
        assertThat(sub.values()).containsExactlyElementsOf(IntStream.range(0, 100_000).boxed().toList());
        assertThat(maxAhead[0]).as("requested ahead of the receiver").isLessThanOrEqualTo(2L * capacity);
        assertThat(ch.isClosed()).isTrue();
    }

    @Test
    void aSecondSubscriptionOfTheFeederIsCancelledAndAnErrorFailsTheChannel() throws Exception {
        Channel<Integer> ch = Channel.bounded(moirai, 4);
        RangeSource first = new RangeSource(Integer.MAX_VALUE);
        RangeSource second = new RangeSource(10);
        first.subscribe(ch.asSubscriber());
        second.subscribe(ch.asSubscriber());
        assertThat(TestSupport.opensWithin(second.cancelled, WAIT)).as("§2.5").isTrue();
        assertThat(dropped).as("the refused source is reported, not dropped silently")
                .anySatisfy(e -> assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("§2.5")
                        .hasMessageContaining("asSubscriber"));
        TestSubscriber<Integer> sub = new TestSubscriber<>(2);
        ch.receiver().subscribe(sub);
        sub.awaitValues(2);
        IllegalStateException boom = new IllegalStateException("source failed");
        ch.asSubscriber().onError(boom);
        sub.request(100);
        assertThat(sub.awaitError()).isSameAs(boom);
        assertThat(TestSupport.opensWithin(first.cancelled, WAIT)).as("the ended channel cancels its source").isTrue();
    }

    @Test
    void aFeederSignalledFromAnotherThreadKeepsItsOrderAndStaysWithinTheCapacity() throws Exception {
        int capacity = 16;
        int n = 50_000;
        Channel<Integer> ch = Channel.bounded(moirai, capacity);
        java.util.concurrent.ExecutorService emitter = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            AtomicLong requested = new AtomicLong();
            // emits on its own thread, never on the drain's: every item takes the signalling path
            org.reactivestreams.Publisher<Integer> source = s -> s.onSubscribe(new org.reactivestreams.Subscription() {
                int next;
                long demand;

                @Override
                public void request(long k) {
                    requested.addAndGet(k);
                    emitter.execute(() -> {
                        demand += k;
                        while (demand > 0 && next < n) {
                            demand--;
                            s.onNext(next++);
                        }
                        if (next == n) {
                            next++;
                            s.onComplete();
                        }
                    });
                }

                @Override
                public void cancel() {}
            });
            long[] maxAhead = {0};
            CountingSubscriber<Integer> sub = new CountingSubscriber<>(3) {
                @Override
                public void onNext(Integer v) {
                    maxAhead[0] = Math.max(maxAhead[0], requested.get() - (v + 1));
                    super.onNext(v);
                }
            };
            ch.receiver().subscribe(sub);
            source.subscribe(ch.asSubscriber());
            sub.await(WAIT);
            assertThat(sub.completed()).isTrue();
            assertThat(sub.values()).containsExactlyElementsOf(IntStream.range(0, n).boxed().toList());
            assertThat(maxAhead[0]).as("requested ahead of the receiver").isLessThanOrEqualTo(2L * capacity);
        } finally {
            emitter.shutdownNow();
        }
    }

    @Test
    void aSourceSendingMoreThanItWasAskedForFailsTheChannelAfterTheItemsThatFit() throws Exception {
        int capacity = 8;
        Channel<Integer> ch = Channel.bounded(moirai, capacity);
        CountDownLatch cancelled = new CountDownLatch(1);
        // ignores demand (§1.1): pushes three buffers' worth at its first request
        org.reactivestreams.Publisher<Integer> flood = s -> s.onSubscribe(new org.reactivestreams.Subscription() {
            boolean sent;

            @Override
            public void request(long k) {
                if (!sent) {
                    sent = true;
                    for (int i = 0; i < 3 * capacity; i++) {
                        s.onNext(i);
                    }
                }
            }

            @Override
            public void cancel() {
                cancelled.countDown();
            }
        });
        TestSubscriber<Integer> sub = new TestSubscriber<>(Long.MAX_VALUE);
        flood.subscribe(ch.asSubscriber());
        ch.receiver().subscribe(sub);
        Throwable error = sub.awaitError();
        assertThat(error).isInstanceOf(IllegalStateException.class).hasMessageContaining("§1.1");
        assertThat(sub.values()).as("what fitted, in order").containsExactlyElementsOf(
                IntStream.range(0, sub.values().size()).boxed().toList());
        assertThat(sub.values().size()).isGreaterThanOrEqualTo(capacity);
        assertThat(TestSupport.opensWithin(cancelled, WAIT)).as("the source is cancelled").isTrue();
    }

    @Test
    void aFeedingSourceWhoseRequestThrowsEndsTheChannelWithThatErrorInsteadOfWedgingIt() throws Exception {
        IllegalStateException broke = new IllegalStateException("request broke");
        for (boolean receiverFirst : new boolean[] {true, false}) {
            Channel<Integer> ch = Channel.bounded(moirai, 8);
            assertThat(ch.trySend(-1)).isTrue();
            CountDownLatch cancelled = new CountDownLatch(1);
            org.reactivestreams.Publisher<Integer> brokenSource = s -> s.onSubscribe(new org.reactivestreams.Subscription() {
                @Override
                public void request(long n) {
                    throw broke; // against §3.16
                }

                @Override
                public void cancel() {
                    cancelled.countDown();
                    throw new IllegalStateException("cancel broke too"); // against §3.15: reported, not propagated
                }
            });
            TestSubscriber<Integer> sub = new TestSubscriber<>(Long.MAX_VALUE);
            if (receiverFirst) {
                ch.receiver().subscribe(sub);
                sub.awaitValues(1);
            }
            brokenSource.subscribe(ch.asSubscriber());
            assertThat(TestSupport.opensWithin(cancelled, WAIT)).as("the broken source is cancelled").isTrue();
            if (!receiverFirst) {
                ch.receiver().subscribe(sub); // arrives after the channel ended: told all the same
            }
            assertThat(sub.awaitError()).as("receiver first: " + receiverFirst).isSameAs(broke);
            assertThatThrownBy(() -> ch.trySend(1)).isInstanceOf(IllegalStateException.class).hasCause(broke);
            assertThat(failureOf(ch.send(2))).isInstanceOf(IllegalStateException.class).hasCause(broke);
        }
        assertThat(dropped).as("the throwing cancel is reported").anySatisfy(e -> assertThat(e).hasMessage("cancel broke too"));
    }

    @Test
    void aReceiverThatSubscribesWhileABrokenFeedEndsTheChannelIsAlwaysTold() throws Exception {
        // the ending turn and the late subscribe race: the subscribe's signal may come while the ending
        // turn still holds the drain, which must then see the new subscriber before it lets go (before
        // the fix about 1 in 200 of these receivers waited for ever)
        IllegalStateException broke = new IllegalStateException("request broke");
        for (int i = 0; i < 1_000; i++) {
            Channel<Integer> ch = Channel.bounded(moirai, 8);
            org.reactivestreams.Publisher<Integer> brokenSource = s -> s.onSubscribe(new org.reactivestreams.Subscription() {
                @Override
                public void request(long n) {
                    throw broke;
                }

                @Override
                public void cancel() {
                }
            });
            brokenSource.subscribe(ch.asSubscriber());
            TestSubscriber<Integer> sub = new TestSubscriber<>(Long.MAX_VALUE);
            ch.receiver().subscribe(sub);
            assertThat(sub.awaitError()).as("receiver %d", i).isSameAs(broke);
        }
    }

    @Test
    void theFeederRejectsNullSignals() {
        Channel<Integer> ch = Channel.bounded(moirai, 4);
        Subscriber<Integer> feeder = ch.asSubscriber();
        assertThatThrownBy(() -> feeder.onSubscribe(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("§2.13");
        assertThatThrownBy(() -> feeder.onNext(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("§2.13");
        assertThatThrownBy(() -> feeder.onError(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("§2.13");
    }

    // ---------------------------------------------------------------- shutdown

    @Test
    void shutdownCancelsWaitingSendsAndEndsTheSubscriberCancelled() throws Exception {
        Channel<Integer> ch = Channel.bounded(moirai, 1);
        ch.trySend(1);
        TaskHandle<Void> waiting = ch.send(2);
        TestSubscriber<Integer> sub = new TestSubscriber<>();
        ch.receiver().subscribe(sub);
        assertThat(moirai.shutdown(WAIT)).isTrue();
        assertThat(sub.awaitError()).isInstanceOf(CancellationException.class);
        assertThat(waiting.isCancelled()).isTrue();
        assertThatThrownBy(() -> ch.trySend(3)).isInstanceOf(IllegalStateException.class).hasMessageContaining("shut down");
        TestSupport.assertNoThreadsLeft(prefix);
    }

    @Test
    void aSubscriberArrivingAfterShutdownIsTold() throws Exception {
        Channel<Integer> ch = Channel.bounded(moirai, 1);
        moirai.shutdown(WAIT);
        TestSubscriber<Integer> sub = new TestSubscriber<>(1);
        ch.receiver().subscribe(sub);
        assertThat(sub.awaitError()).isInstanceOf(CancellationException.class);
    }
}

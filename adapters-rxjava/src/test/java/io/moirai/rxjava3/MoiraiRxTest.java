package io.moirai.rxjava3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.moirai.stream.Channel;
import io.moirai.stream.Streams;
import io.moirai.task.TaskHandle;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import io.reactivex.rxjava3.subscribers.TestSubscriber;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The conversions of {@link MoiraiRx}: values, null results, errors, cancellation both ways. */
@Timeout(30)
class MoiraiRxTest {

    private static final long WAIT = 10;

    private Moirai moirai;
    private final List<Throwable> undeliverable = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("rx-conv").build();
        RxJavaPlugins.setErrorHandler(undeliverable::add);
    }

    @AfterEach
    void tearDown() {
        RxJavaPlugins.reset();
        moirai.close();
        assertThat(undeliverable).isEmpty();
    }

    /** A task that waits (on the blocking pool) until released; records whether it was interrupted. */
    private final class Gate {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CompletableFuture<Boolean> interrupted = new CompletableFuture<>();

        <T> TaskHandle<T> spawn(T result) {
            return moirai.spawnBlocking(() -> {
                started.countDown();
                try {
                    release.await();
                    interrupted.complete(false);
                } catch (InterruptedException e) {
                    interrupted.complete(true);
                }
                return result;
            });
        }

        void awaitStarted() throws InterruptedException {
            assertThat(started.await(WAIT, TimeUnit.SECONDS)).isTrue();
        }
    }

    // ------------------------------------------------------------------ Single

    @Test
    void singleEmitsTheResult() {
        MoiraiRx.toSingle(moirai.spawn(() -> 42)).test()
                .awaitDone(WAIT, TimeUnit.SECONDS)
                .assertResult(42);
    }

    @Test
    void singleOfAFinishedTaskEmitsTheResultToEverySubscriber() {
        TaskHandle<String> task = moirai.spawn(() -> "done");
        task.join();
        var single = MoiraiRx.toSingle(task);
        single.test().assertResult("done"); // synchronously: the handle already holds the result
        single.test().assertResult("done");
    }

    @Test
    void singleOfANullResultFailsWithNoSuchElement() {
        MoiraiRx.toSingle(moirai.spawn(() -> null)).test()
                .awaitDone(WAIT, TimeUnit.SECONDS)
                .assertNoValues()
                .assertError(NoSuchElementException.class);
    }

    @Test
    void singleOfAFailedTaskSignalsTheCauseItself() {
        IllegalStateException boom = new IllegalStateException("boom");
        MoiraiRx.toSingle(moirai.spawn(() -> {
            throw boom;
        })).test().awaitDone(WAIT, TimeUnit.SECONDS).assertError(e -> e == boom);
    }

    @Test
    void singleOfACancelledTaskSignalsCancellation() {
        TaskHandle<Integer> task = moirai.schedule(Duration.ofHours(1), () -> 1);
        TestObserver<Integer> observer = MoiraiRx.toSingle(task).test();
        observer.assertNotComplete().assertNoErrors();
        assertThat(task.cancel()).isTrue();
        observer.awaitDone(WAIT, TimeUnit.SECONDS).assertNoValues().assertError(CancellationException.class);
    }

    @Test
    void disposingTheSingleCancelsAPendingTask() {
        TaskHandle<Integer> task = moirai.schedule(Duration.ofHours(1), () -> 1);
        TestObserver<Integer> observer = MoiraiRx.toSingle(task).test();
        observer.dispose();
        assertThat(task.isCancelled()).isTrue();
        assertThat(task.isFinished()).isTrue();
        observer.assertEmpty(); // onSubscribe only: no CancellationException after the dispose
    }

    @Test
    void disposingTheSingleInterruptsARunningBlockingTask() throws Exception {
        Gate gate = new Gate();
        TaskHandle<String> task = gate.spawn("never");
        TestObserver<String> observer = MoiraiRx.toSingle(task).test();
        gate.awaitStarted();
        observer.dispose();
        assertThat(gate.interrupted.get(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(task.isCancelled()).isTrue();
        assertThatThrownBy(task::join).isInstanceOf(CancellationException.class);
        observer.assertEmpty();
    }

    @Test
    void disposingAfterTheResultCancelsNothing() {
        TaskHandle<Integer> task = moirai.spawn(() -> 7);
        TestObserver<Integer> observer = MoiraiRx.toSingle(task).test().awaitDone(WAIT, TimeUnit.SECONDS);
        observer.dispose();
        observer.assertResult(7);
        assertThat(task.isCancelled()).isFalse();
    }

    @Test
    void disposingInOnSubscribeCancelsTheTaskAndSignalsNothing() {
        TaskHandle<Integer> task = moirai.schedule(Duration.ofHours(1), () -> 1);
        TestObserver<Integer> observer = new TestObserver<>();
        observer.dispose(); // TestObserver disposes the upstream it is given in onSubscribe
        MoiraiRx.toSingle(task).subscribe(observer);
        assertThat(task.isCancelled()).isTrue();
        observer.assertNoValues().assertNoErrors().assertNotComplete();
    }

    @Test
    void singleComposesWithRxOperators() {
        TaskHandle<Integer> a = moirai.spawn(() -> 20);
        TaskHandle<Integer> b = moirai.spawn(() -> 22);
        MoiraiRx.toSingle(a).zipWith(MoiraiRx.toSingle(b), Integer::sum).test()
                .awaitDone(WAIT, TimeUnit.SECONDS)
                .assertResult(42);
    }

    @Test
    void aTimeoutDisposesAndSoCancelsTheTask() {
        TaskHandle<Integer> task = moirai.schedule(Duration.ofHours(1), () -> 1);
        MoiraiRx.toSingle(task).timeout(10, TimeUnit.MILLISECONDS, MoiraiRx.scheduler(moirai)).test()
                .awaitDone(WAIT, TimeUnit.SECONDS)
                .assertError(java.util.concurrent.TimeoutException.class);
        assertThat(task.isCancelled()).isTrue();
    }

    // ------------------------------------------------------------------ Maybe

    @Test
    void maybeEmitsTheResult() {
        MoiraiRx.toMaybe(moirai.spawn(() -> "x")).test().awaitDone(WAIT, TimeUnit.SECONDS).assertResult("x");
    }

    @Test
    void maybeOfANullResultCompletesEmpty() {
        MoiraiRx.toMaybe(moirai.spawn(() -> null)).test().awaitDone(WAIT, TimeUnit.SECONDS).assertResult();
        MoiraiRx.toMaybe(moirai.delay(Duration.ofMillis(1))).test().awaitDone(WAIT, TimeUnit.SECONDS).assertResult();
    }

    @Test
    void maybeOfAFailedTaskSignalsTheCause() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        MoiraiRx.toMaybe(moirai.spawnBlocking(() -> {
            throw boom;
        })).test().awaitDone(WAIT, TimeUnit.SECONDS).assertError(e -> e == boom);
    }

    @Test
    void maybeOfACancelledTaskSignalsCancellation() {
        TaskHandle<Void> task = moirai.delay(Duration.ofHours(1));
        TestObserver<Void> observer = MoiraiRx.toMaybe(task).test();
        task.cancel();
        observer.awaitDone(WAIT, TimeUnit.SECONDS).assertError(CancellationException.class);
    }

    @Test
    void disposingTheMaybeCancelsTheTask() throws Exception {
        Gate gate = new Gate();
        TaskHandle<String> task = gate.spawn("never");
        TestObserver<String> observer = MoiraiRx.toMaybe(task).test();
        gate.awaitStarted();
        observer.dispose();
        assertThat(gate.interrupted.get(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(task.isCancelled()).isTrue();
        observer.assertEmpty();
    }

    // ------------------------------------------------------------------ Completable

    @Test
    void completableCompletesForAValueAndForNull() {
        MoiraiRx.toCompletable(moirai.spawn(() -> 1)).test().awaitDone(WAIT, TimeUnit.SECONDS).assertResult();
        MoiraiRx.toCompletable(moirai.spawn(() -> null)).test().awaitDone(WAIT, TimeUnit.SECONDS).assertResult();
        MoiraiRx.toCompletable(moirai.delay(Duration.ofMillis(1))).test().awaitDone(WAIT, TimeUnit.SECONDS).assertResult();
    }

    @Test
    void completableOfAFailedTaskSignalsTheCause() {
        UnsupportedOperationException boom = new UnsupportedOperationException("boom");
        MoiraiRx.toCompletable(moirai.spawn(() -> {
            throw boom;
        })).test().awaitDone(WAIT, TimeUnit.SECONDS).assertError(e -> e == boom);
    }

    @Test
    void completableOfACancelledTaskSignalsCancellation() {
        TaskHandle<Void> task = moirai.delay(Duration.ofHours(1));
        TestObserver<Void> observer = MoiraiRx.toCompletable(task).test();
        task.cancel();
        observer.awaitDone(WAIT, TimeUnit.SECONDS).assertError(CancellationException.class);
    }

    @Test
    void disposingTheCompletableCancelsTheTask() {
        TaskHandle<Void> task = moirai.delay(Duration.ofHours(1));
        TestObserver<Void> observer = MoiraiRx.toCompletable(task).test();
        observer.dispose();
        assertThat(task.isCancelled()).isTrue();
        observer.assertEmpty();
    }

    // ------------------------------------------------------------------ Flowable

    @Test
    void flowableOfATaskEmitsItsResult() {
        MoiraiRx.toFlowable(moirai.spawn(() -> 5)).test().awaitDone(WAIT, TimeUnit.SECONDS).assertResult(5);
        MoiraiRx.toFlowable(moirai.spawn(() -> null)).test().awaitDone(WAIT, TimeUnit.SECONDS).assertResult();
    }

    @Test
    void flowableOfAFailedTaskSignalsTheCause() {
        IllegalStateException boom = new IllegalStateException("boom");
        MoiraiRx.toFlowable(moirai.spawn(() -> {
            throw boom;
        })).test().awaitDone(WAIT, TimeUnit.SECONDS).assertError(e -> e == boom);
    }

    @Test
    void flowableOfACancelledTaskSignalsCancellation() {
        TaskHandle<Integer> task = moirai.schedule(Duration.ofHours(1), () -> 1);
        TestSubscriber<Integer> subscriber = MoiraiRx.toFlowable(task).test();
        task.cancel();
        subscriber.awaitDone(WAIT, TimeUnit.SECONDS).assertError(CancellationException.class);
    }

    @Test
    void cancellingTheFlowableDetachesWithoutCancellingTheTask() throws TimeoutException {
        CountDownLatch release = new CountDownLatch(1);
        TaskHandle<Integer> task = moirai.spawnBlocking(() -> {
            release.await();
            return 3;
        });
        TestSubscriber<Integer> subscriber = MoiraiRx.toFlowable(task).test();
        subscriber.cancel();
        release.countDown();
        assertThat(task.join(Duration.ofSeconds(WAIT))).isEqualTo(3);
        subscriber.assertEmpty();
    }

    @Test
    void flowableKeepsTheSubscribersDemand() {
        List<Integer> items = IntStream.range(0, 100).boxed().collect(Collectors.toList());
        TestSubscriber<Integer> subscriber = MoiraiRx.toFlowable(Streams.fromIterable(moirai, items)).test(0L);
        subscriber.assertEmpty();
        subscriber.request(10);
        subscriber.awaitCount(10).assertValueCount(10).assertNotComplete();
        subscriber.request(Long.MAX_VALUE);
        subscriber.awaitDone(WAIT, TimeUnit.SECONDS).assertValueSequence(items).assertComplete();
    }

    @Test
    void flowableOfAChannelReceivesWhatWasSent() {
        Channel<String> channel = Channel.bounded(moirai, 4);
        TestSubscriber<String> subscriber = MoiraiRx.toFlowable(channel.receiver()).test();
        for (int i = 0; i < 20; i++) {
            channel.send("m" + i).join();
        }
        channel.close();
        subscriber.awaitDone(WAIT, TimeUnit.SECONDS).assertValueCount(20).assertComplete();
        assertThat(subscriber.values()).startsWith("m0", "m1").endsWith("m19");
    }

    @Test
    void toSubscriberFeedsAChannelAsRxJavasOwnSubscriberInOrderWithBackpressure() {
        Channel<Integer> channel = Channel.bounded(moirai, 32);
        java.util.concurrent.atomic.AtomicLong requested = new java.util.concurrent.atomic.AtomicLong();
        Flowable.range(0, 100_000).doOnRequest(requested::addAndGet).subscribe(MoiraiRx.toSubscriber(channel));
        long[] maxAhead = {0};
        TestSubscriber<Integer> subscriber = MoiraiRx.toFlowable(channel.receiver())
                .doOnNext(x -> maxAhead[0] = Math.max(maxAhead[0], requested.get() - (x + 1)))
                .test();
        subscriber.awaitDone(WAIT, TimeUnit.SECONDS).assertValueCount(100_000).assertComplete();
        for (int i = 0; i < 100_000; i++) {
            assertThat(subscriber.values().get(i)).isEqualTo(i);
        }
        assertThat(maxAhead[0]).as("requested ahead of the receiver").isLessThanOrEqualTo(64L);
        assertNpe(() -> MoiraiRx.toSubscriber(null), "channel");
    }

    @Test
    void flowableOfAFlowableIsItself() {
        Flowable<Integer> flowable = Flowable.just(1);
        assertThat(MoiraiRx.toFlowable(flowable)).isSameAs(flowable);
    }

    // ------------------------------------------------------------------ arguments

    @Test
    void nullArgumentsAreRejectedWithTheirName() {
        assertNpe(() -> MoiraiRx.toFlowable(null), "publisher");
        assertNpe(() -> MoiraiRx.toSingle(null), "task");
        assertNpe(() -> MoiraiRx.toMaybe(null), "task");
        assertNpe(() -> MoiraiRx.toCompletable(null), "task");
        assertNpe(() -> MoiraiRx.scheduler(null), "moirai");
        assertNpe(() -> MoiraiRx.blockingScheduler(null), "moirai");
    }

    private static void assertNpe(Runnable call, String name) {
        assertThatThrownBy(call::run).isInstanceOf(NullPointerException.class).hasMessage(name + " is null");
    }
}

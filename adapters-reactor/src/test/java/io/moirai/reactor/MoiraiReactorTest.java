package io.moirai.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.moirai.stream.Channel;
import io.moirai.stream.Streams;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** toMono and toFlux: values, empty, errors, cancellation both ways. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MoiraiReactorTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    private Moirai moirai;

    @BeforeEach
    void start() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("reactor-conv").build();
    }

    @AfterEach
    void stop() {
        moirai.close();
    }

    @Test
    void toMonoDeliversTheValue() {
        StepVerifier.create(MoiraiReactor.toMono(moirai.spawn(() -> 42))).expectNext(42).expectComplete().verify(WAIT);
    }

    @Test
    void aNullResultIsAnEmptyMono() {
        StepVerifier.create(MoiraiReactor.toMono(moirai.spawn(() -> null))).expectComplete().verify(WAIT);
        StepVerifier.create(MoiraiReactor.toMono(moirai.delay(Duration.ofMillis(5)))).expectComplete().verify(WAIT);
    }

    @Test
    void aFailedTaskIsAnErrorWithItsCause() {
        IllegalStateException boom = new IllegalStateException("boom");
        StepVerifier.create(MoiraiReactor.toMono(moirai.spawn(() -> {
            throw boom;
        }))).expectErrorMatches(e -> e == boom).verify(WAIT);
    }

    @Test
    void aCancelledTaskIsACancellationError() {
        TaskHandle<Void> later = moirai.delay(Duration.ofHours(1));
        later.cancel();
        StepVerifier.create(MoiraiReactor.toMono(later)).expectError(CancellationException.class).verify(WAIT);
    }

    @Test
    void cancellingTheMonoCancelsTheTask() {
        TaskHandle<Void> later = moirai.delay(Duration.ofHours(1));
        StepVerifier.create(MoiraiReactor.toMono(later)).expectSubscription().thenCancel().verify(WAIT);
        assertThat(later.isCancelled()).isTrue();
        // and a timeout operator (which cancels upstream) does the same
        TaskHandle<String> slow = moirai.schedule(Duration.ofHours(1), () -> "late");
        StepVerifier.create(MoiraiReactor.toMono(slow).timeout(Duration.ofMillis(20)))
                .expectError(java.util.concurrent.TimeoutException.class).verify(WAIT);
        assertThat(slow.isCancelled()).isTrue();
    }

    @Test
    void aFinishedTaskIsNotAffectedByCancellingItsMono() {
        TaskHandle<Integer> done = moirai.spawn(() -> 1);
        assertThat(done.join()).isEqualTo(1);
        StepVerifier.create(MoiraiReactor.toMono(done), 0).expectSubscription().thenCancel().verify(WAIT);
        assertThat(done.isCancelled()).isFalse();
    }

    @Test
    void eachSubscriberReadsTheResultThroughItsOwnSubscription() {
        TaskHandle<Integer> task = moirai.spawn(() -> 7);
        Mono<Integer> mono = MoiraiReactor.toMono(task);
        StepVerifier.create(mono).expectNext(7).verifyComplete();
        StepVerifier.create(mono).expectNext(7).verifyComplete();
    }

    @Test
    void toFluxKeepsDemandAndCancellation() {
        Channel<Integer> ch = Channel.bounded(moirai, 16);
        for (int i = 0; i < 10; i++) {
            ch.trySend(i);
        }
        ch.close();
        StepVerifier.create(MoiraiReactor.toFlux(ch.receiver()), 3)
                .expectNext(0, 1, 2)
                .expectNoEvent(Duration.ofMillis(50))
                .thenRequest(10)
                .expectNext(3, 4, 5, 6, 7, 8, 9)
                .verifyComplete();
        List<Integer> big = IntStream.range(0, 10_000).boxed().toList();
        StepVerifier.create(MoiraiReactor.toFlux(Streams.fromIterable(moirai, big)).take(5))
                .expectNext(0, 1, 2, 3, 4).verifyComplete();
    }

    @Test
    void toFluxOfAnIntervalDropsTicksWithoutDemand() {
        StepVerifier.create(MoiraiReactor.toFlux(moirai.interval(Duration.ofMillis(5))), 1)
                .expectNextCount(1)
                .thenAwait(Duration.ofMillis(60))
                .thenRequest(1)
                .expectNextMatches(tick -> tick > 1) // the ticks without demand were dropped
                .thenCancel()
                .verify(WAIT);
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThatThrownBy(() -> MoiraiReactor.toMono(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("task");
        assertThatThrownBy(() -> MoiraiReactor.toFlux(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("publisher");
        assertThatThrownBy(() -> MoiraiReactor.scheduler(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("moirai");
        assertThatThrownBy(() -> MoiraiReactor.blockingScheduler(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("moirai");
    }

    @Test
    void aChannelFedByAFluxDeliversThroughReactorOperators() throws Exception {
        Channel<Integer> ch = Channel.bounded(moirai, 64);
        Flux.range(0, 100_000).subscribe(ch.asSubscriber());
        CountDownLatch done = new CountDownLatch(1);
        long[] sum = {0};
        MoiraiReactor.toFlux(ch.receiver()).map(x -> (long) x).filter(x -> x % 2 == 0)
                .doOnComplete(done::countDown)
                .subscribe(x -> sum[0] += x);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sum[0]).isEqualTo(IntStream.range(0, 100_000).filter(x -> x % 2 == 0).asLongStream().sum());
    }

    @Test
    void toSubscriberFeedsAChannelAsReactorsOwnSubscriberInOrderWithBackpressure() throws Exception {
        Channel<Integer> ch = Channel.bounded(moirai, 32);
        reactor.core.CoreSubscriber<Integer> feed = MoiraiReactor.toSubscriber(ch);
        java.util.concurrent.atomic.AtomicLong requested = new java.util.concurrent.atomic.AtomicLong();
        Flux.range(0, 100_000).doOnRequest(requested::addAndGet).subscribe(feed);
        java.util.List<Integer> got = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        long[] maxAhead = {0};
        CountDownLatch done = new CountDownLatch(1);
        MoiraiReactor.toFlux(ch.receiver()).doOnComplete(done::countDown).subscribe(x -> {
            maxAhead[0] = Math.max(maxAhead[0], requested.get() - (x + 1));
            got.add(x);
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(got).containsExactlyElementsOf(IntStream.range(0, 100_000).boxed().toList());
        assertThat(maxAhead[0]).as("requested ahead of the receiver").isLessThanOrEqualTo(64L);
        assertThat(ch.isClosed()).isTrue();
        assertThatThrownBy(() -> MoiraiReactor.toSubscriber(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("channel");
    }
}

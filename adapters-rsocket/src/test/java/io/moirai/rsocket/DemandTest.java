package io.moirai.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.stream.Streams;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.util.DefaultPayload;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * Demand crosses the wire: the publisher on the far side produces what the subscriber on this side
 * requested, no more, counted where the items are made (the iterator behind {@code Streams.fromIterable},
 * advanced only as far as demand).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DemandTest {

    /** How long nothing must arrive after a batch of demand was met. */
    private static final Duration QUIET = Duration.ofMillis(200);

    private Loopback loop;

    @BeforeEach
    void start() {
        loop = new Loopback("demand");
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    /** An endless iterable that counts the items it made. */
    private static Iterable<Long> counting(AtomicLong made) {
        return () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Long next() {
                return made.getAndIncrement();
            }
        };
    }

    @Test
    void aRemoteRequestStreamProducesExactlyWhatTheClientRequested() throws Exception {
        AtomicLong made = new AtomicLong();
        CountDownLatch sourceCancelled = new CountDownLatch(1);
        MoiraiRSocket.Server server = loop.moiraiServer(SocketAcceptor.forRequestStream(request -> {
            request.release();
            Publisher<Long> items = Streams.fromIterable(loop.moirai, counting(made));
            return Flux.from(items).doOnCancel(sourceCancelled::countDown).map(i -> DefaultPayload.create(Long.toString(i)));
        }));
        RSocket client = loop.moiraiClient(server.address());

        StepVerifier.create(client.requestStream(DefaultPayload.create("go")).map(Payload::getDataUtf8), 0)
                .expectSubscription()
                .expectNoEvent(QUIET)
                .then(() -> assertThat(made).as("made before any request").hasValue(0))
                .thenRequest(3)
                .expectNext("0", "1", "2")
                .expectNoEvent(QUIET)
                .then(() -> assertThat(made).as("made after request(3)").hasValue(3))
                .thenRequest(7)
                .expectNextCount(7)
                .expectNoEvent(QUIET)
                .then(() -> assertThat(made).as("made after request(3) + request(7)").hasValue(10))
                .thenRequest(1)
                .expectNext("10")
                .thenCancel()
                .verify(Loopback.TIMEOUT);
        assertThat(sourceCancelled.await(10, TimeUnit.SECONDS)).as("the server's source cancelled").isTrue();
        assertThat(made).as("made in all").hasValue(11);
    }

    @Test
    void aSlowSubscriberPacesARemoteSourceItemByItem() {
        AtomicLong made = new AtomicLong();
        MoiraiRSocket.Server server = loop.moiraiServer(SocketAcceptor.forRequestStream(request -> {
            request.release();
            return Flux.from(Streams.fromIterable(loop.moirai, counting(made))).map(i -> DefaultPayload.create(Long.toString(i)));
        }));
        RSocket client = loop.moiraiClient(server.address());
        AtomicLong maxAhead = new AtomicLong();
        AtomicLong received = new AtomicLong();
        client.requestStream(DefaultPayload.create("go")).map(Payload::getDataUtf8)
                .limitRate(4) // REQUEST_N in batches of 4, then of 3 as they are consumed
                .doOnNext(s -> {
                    long r = received.incrementAndGet();
                    maxAhead.accumulateAndGet(made.get() - r, Math::max);
                })
                .take(200)
                .blockLast(Loopback.TIMEOUT);
        assertThat(received).hasValue(200);
        assertThat(maxAhead.get()).as("items made beyond those received, at most").isLessThanOrEqualTo(4);
    }

    @Test
    void aRemoteChannelTakesFromTheClientsSourceOnlyWhatTheServerRequested() throws Exception {
        AtomicLong made = new AtomicLong();
        CountDownLatch fourReceived = new CountDownLatch(4);
        CountDownLatch clientSourceCancelled = new CountDownLatch(1);
        MoiraiRSocket.Server server = loop.moiraiServer(SocketAcceptor.forRequestChannel(requests -> {
            Flux.from(requests).subscribe(new BaseSubscriber<Payload>() {
                @Override
                protected void hookOnSubscribe(Subscription subscription) {
                    subscription.request(4);
                }

                @Override
                protected void hookOnNext(Payload value) {
                    value.release();
                    fourReceived.countDown();
                }
            });
            return Flux.never();
        }));
        RSocket client = loop.moiraiClient(server.address());
        Flux<Payload> source = Flux.from(Streams.fromIterable(loop.moirai, counting(made)))
                .doOnCancel(clientSourceCancelled::countDown)
                .map(i -> DefaultPayload.create(Long.toString(i)));
        StepVerifier.create(client.requestChannel(source))
                .expectSubscription()
                .then(() -> await(fourReceived))
                .expectNoEvent(QUIET)
                .then(() -> assertThat(made).as("made by the client's source").hasValue(4))
                .thenCancel()
                .verify(Loopback.TIMEOUT);
        assertThat(clientSourceCancelled.await(10, TimeUnit.SECONDS)).as("cancelling the channel cancels its source").isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}

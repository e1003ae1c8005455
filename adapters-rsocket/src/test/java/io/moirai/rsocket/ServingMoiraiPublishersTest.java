package io.moirai.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.stream.Streams;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.util.DefaultPayload;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The README's recipe ({@link SquareService}) over the Moirai transport: each model, and cancellation from the client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServingMoiraiPublishersTest {

    private Loopback loop;
    private RSocket client;
    private final CountDownLatch gateOpen = new CountDownLatch(1);
    private final CountDownLatch blockedStarted = new CountDownLatch(1);
    private final CountDownLatch blockedInterrupted = new CountDownLatch(1);

    /** Squares at once, except -1, which blocks until the gate opens or the thread is interrupted. */
    private long slowSquare(long n) {
        if (n == -1) {
            blockedStarted.countDown();
            try {
                gateOpen.await();
            } catch (InterruptedException e) {
                blockedInterrupted.countDown();
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            }
        }
        return n * n;
    }

    @BeforeEach
    void start() {
        loop = new Loopback("recipe");
        MoiraiRSocket.Server server = loop.moiraiServer(SocketAcceptor.with(new SquareService(loop.moirai, this::slowSquare)));
        client = loop.moiraiClient(server.address());
    }

    @AfterEach
    void stop() {
        gateOpen.countDown();
        loop.close();
    }

    @Test
    void aTaskHandleAnswersARequestResponse() {
        assertThat(client.requestResponse(DefaultPayload.create("12")).map(Payload::getDataUtf8).block(Loopback.TIMEOUT))
                .isEqualTo("144");
    }

    @Test
    void cancellingTheRequestResponseInterruptsTheBlockingTask() throws Exception {
        Disposable call = client.requestResponse(DefaultPayload.create("-1")).subscribe();
        assertThat(blockedStarted.await(10, TimeUnit.SECONDS)).isTrue();
        call.dispose();
        assertThat(blockedInterrupted.await(10, TimeUnit.SECONDS)).as("the task's thread interrupted").isTrue();
    }

    @Test
    void aParallelMapAnswersARequestStreamInSourceOrderAtTheClientsPace() {
        List<String> all = client.requestStream(DefaultPayload.create("2000")).map(Payload::getDataUtf8)
                .collectList().block(Loopback.TIMEOUT);
        assertThat(all).isEqualTo(LongStream.range(0, 2000).mapToObj(i -> Long.toString(i * i)).collect(Collectors.toList()));
        StepVerifier.create(client.requestStream(DefaultPayload.create("1000000000")).map(Payload::getDataUtf8), 0)
                .thenRequest(3)
                .expectNext("0", "1", "4")
                .expectNoEvent(java.time.Duration.ofMillis(100))
                .thenRequest(2)
                .expectNext("9", "16")
                .thenCancel()
                .verify(Loopback.TIMEOUT);
    }

    @Test
    void aChannelAnswersARequestChannel() {
        List<String> replies = client.requestChannel(Flux.range(0, 200).map(i -> DefaultPayload.create("word" + i)))
                .map(Payload::getDataUtf8).collectList().block(Loopback.TIMEOUT);
        assertThat(replies).hasSize(200).startsWith("WORD0", "WORD1").endsWith("WORD199");
    }

    @Test
    void cancellingTheChannelsRepliesCancelsTheClientsRequests() throws Exception {
        CountDownLatch requestsCancelled = new CountDownLatch(1);
        Flux<Payload> endless = Flux.from(Streams.fromIterable(loop.moirai, () -> LongStream.iterate(0, i -> i + 1).iterator()))
                .doOnCancel(requestsCancelled::countDown)
                .map(i -> DefaultPayload.create("w" + i));
        StepVerifier.create(client.requestChannel(endless).map(Payload::getDataUtf8).take(5))
                .expectNext("W0", "W1", "W2", "W3", "W4")
                .expectComplete()
                .verify(Loopback.TIMEOUT);
        assertThat(requestsCancelled.await(10, TimeUnit.SECONDS)).as("the client's source cancelled").isTrue();
    }
}

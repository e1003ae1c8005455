package io.moirai.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.stream.Streams;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.util.DefaultPayload;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** A connection lost mid-stream, from either side or by a reset: the other side gets an error or a cancel, never a hang. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectionLossTest {

    private Loopback loop;
    private final CountDownLatch sourceCancelled = new CountDownLatch(1);
    private final CountDownLatch serverSideClosed = new CountDownLatch(1);

    @BeforeEach
    void start() {
        loop = new Loopback("loss");
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    /** A server whose request-stream is endless (and counts its cancel), and whose connections count their close. */
    private MoiraiRSocket.Server endlessServer() {
        return loop.moiraiServer((setup, sendingSocket) -> {
            sendingSocket.onClose().subscribe(null, e -> serverSideClosed.countDown(), serverSideClosed::countDown);
            return Mono.just(new RSocket() {
                @Override
                public Flux<Payload> requestStream(Payload request) {
                    request.release();
                    return Flux.from(Streams.fromIterable(loop.moirai, () -> LongStream.iterate(0, i -> i + 1).iterator()))
                            .doOnCancel(sourceCancelled::countDown)
                            .map(i -> DefaultPayload.create(Long.toString(i)));
                }
            });
        });
    }

    @Test
    void theServerGoingAwayEndsTheClientsStreamsWithClosedChannelException() throws Exception {
        MoiraiRSocket.Server server = endlessServer();
        RSocket client = loop.moiraiClient(server.address());
        StepVerifier.create(client.requestStream(DefaultPayload.create("go")).map(Payload::getDataUtf8), 10)
                .expectNextCount(10)
                .then(server::dispose)
                .expectError(ClosedChannelException.class)
                .verify(Loopback.TIMEOUT);
        assertThat(sourceCancelled.await(10, TimeUnit.SECONDS)).as("the server's source cancelled").isTrue();
        client.onClose().block(Loopback.TIMEOUT);
        assertThat(client.isDisposed()).isTrue();
    }

    @Test
    void theClientGoingAwayCancelsTheServersStreamAndClosesItsConnection() throws Exception {
        MoiraiRSocket.Server server = endlessServer();
        RSocket client = loop.moiraiClient(server.address());
        StepVerifier.create(client.requestStream(DefaultPayload.create("go")).map(Payload::getDataUtf8), 5)
                .expectNextCount(5)
                .then(client::dispose)
                .expectError(ClosedChannelException.class)
                .verify(Loopback.TIMEOUT);
        assertThat(sourceCancelled.await(10, TimeUnit.SECONDS)).as("the server's source cancelled").isTrue();
        assertThat(serverSideClosed.await(10, TimeUnit.SECONDS)).as("the server side of the connection closed").isTrue();
    }

    @Test
    void aResetMidStreamCancelsTheServersStreamAndClosesItsConnection() throws Exception {
        MoiraiRSocket.Server server = endlessServer();
        try (RawPeer peer = new RawPeer(server.address())) {
            peer.setup();
            peer.requestStream(1, 3, "go");
            peer.readFrame(); // the first item came
            peer.reset();
        }
        assertThat(sourceCancelled.await(10, TimeUnit.SECONDS)).as("the server's source cancelled").isTrue();
        assertThat(serverSideClosed.await(10, TimeUnit.SECONDS)).as("the server side of the connection closed").isTrue();
    }

    @Test
    void aClientWhoseServerIsGoneFailsToConnectWithAClearError() {
        MoiraiRSocket.Server server = endlessServer();
        java.net.InetSocketAddress address = server.address();
        server.dispose();
        server.onClose().block(Loopback.TIMEOUT);
        StepVerifier.create(io.rsocket.core.RSocketConnector.connectWith(MoiraiRSocket.clientTransport(loop.moirai, address, loop.settings)))
                .expectError(java.net.ConnectException.class)
                .verify(Loopback.TIMEOUT);
    }
}

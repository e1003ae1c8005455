package io.moirai.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.util.DefaultPayload;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The Moirai transport on one side, RSocket's own TCP transport (reactor-netty) on the other: same
 * wire format, so every interaction model works either way round, frames of every size included.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InteropTest {

    private Loopback loop;

    @BeforeEach
    void start() {
        loop = new Loopback("interop");
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    @Test
    void moiraiClientNettyServer() {
        InetSocketAddress address = loop.nettyServer(SocketAcceptor.with(new RoundTripTest.Echo())).address();
        everyInteractionModel(loop.moiraiClient(address));
    }

    @Test
    void nettyClientMoiraiServer() {
        InetSocketAddress address = loop.moiraiServer(SocketAcceptor.with(new RoundTripTest.Echo())).address();
        everyInteractionModel(loop.nettyClient(address));
    }

    private static void everyInteractionModel(RSocket client) {
        StepVerifier.create(client.requestResponse(DefaultPayload.create("hello")).map(Payload::getDataUtf8))
                .expectNext("echo:hello")
                .expectComplete()
                .verify(Loopback.TIMEOUT);
        List<String> stream = client.requestStream(DefaultPayload.create("2000")).map(Payload::getDataUtf8)
                .collectList().block(Loopback.TIMEOUT);
        assertThat(stream).hasSize(2000).startsWith("0").endsWith("1999");
        StepVerifier.create(client.requestStream(DefaultPayload.create("1000")).map(Payload::getDataUtf8), 5)
                .expectNext("0", "1", "2", "3", "4")
                .thenCancel()
                .verify(Loopback.TIMEOUT);
        List<String> channel = client.requestChannel(Flux.range(0, 300).map(i -> DefaultPayload.create("c" + i)))
                .map(Payload::getDataUtf8).collectList().block(Loopback.TIMEOUT);
        assertThat(channel).hasSize(300).startsWith("C0").endsWith("C299");
        String big = "b".repeat(2 * 1024 * 1024 + 3);
        assertThat(client.requestResponse(DefaultPayload.create(big)).map(Payload::getDataUtf8).block(Loopback.TIMEOUT))
                .hasSize(big.length() + 5);
        StepVerifier.create(client.fireAndForget(DefaultPayload.create("fire"))).expectComplete().verify(Loopback.TIMEOUT);
    }
}

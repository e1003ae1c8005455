package io.moirai.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.util.DefaultPayload;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The interaction models over real loopback sockets, Moirai transport on both sides. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RoundTripTest {

    private Loopback loop;
    private RSocket client;

    /** Echoes in every interaction model: "hello" -> "echo:hello"; a stream "n" -> "0".."n-1". */
    static final class Echo implements RSocket {
        @Override
        public Mono<Payload> requestResponse(Payload request) {
            String data = request.getDataUtf8();
            request.release();
            return Mono.just(DefaultPayload.create("echo:" + data));
        }

        @Override
        public Flux<Payload> requestStream(Payload request) {
            int n = Integer.parseInt(request.getDataUtf8());
            request.release();
            return Flux.range(0, n).map(i -> DefaultPayload.create(Integer.toString(i)));
        }

        @Override
        public Flux<Payload> requestChannel(org.reactivestreams.Publisher<Payload> requests) {
            return Flux.from(requests).map(p -> {
                String data = p.getDataUtf8();
                p.release();
                return DefaultPayload.create(data.toUpperCase());
            });
        }
    }

    @BeforeEach
    void start() {
        loop = new Loopback("round-trip");
        MoiraiRSocket.Server server = loop.moiraiServer(SocketAcceptor.with(new Echo()));
        client = loop.moiraiClient(server.address());
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    @Test
    void requestResponse() {
        StepVerifier.create(client.requestResponse(DefaultPayload.create("hello")).map(Payload::getDataUtf8))
                .expectNext("echo:hello")
                .expectComplete()
                .verify(Loopback.TIMEOUT);
    }

    @Test
    void requestStream() {
        List<String> items = client.requestStream(DefaultPayload.create("1000")).map(Payload::getDataUtf8)
                .collectList().block(Loopback.TIMEOUT);
        assertThat(items).hasSize(1000).startsWith("0", "1").endsWith("999");
    }

    @Test
    void requestChannel() {
        Flux<Payload> requests = Flux.range(0, 500).map(i -> DefaultPayload.create("item-" + i));
        List<String> replies = client.requestChannel(requests).map(Payload::getDataUtf8).collectList().block(Loopback.TIMEOUT);
        assertThat(replies).hasSize(500).startsWith("ITEM-0").endsWith("ITEM-499");
    }

    @Test
    void largePayloadsSpanSeveralReadsAndWrites() {
        String big = "x".repeat(3 * 1024 * 1024 + 17);
        String reply = client.requestResponse(DefaultPayload.create(big)).map(Payload::getDataUtf8).block(Loopback.TIMEOUT);
        assertThat(reply).hasSize(big.length() + 5).startsWith("echo:xxx");
    }
}

package io.moirai.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import io.moirai.stream.Streams;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.core.RSocketConnector;
import io.rsocket.core.RSocketServer;
import io.rsocket.util.DefaultPayload;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;

/** The README's RSocket usage snippet (also in examples' {@code ReadmeSnippets}), compiled and run here. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadmeExampleTest {

    @Test
    void theUsageSnippetRuns() {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix("readme-rsocket").build()) {
            // README: begin
            MoiraiRSocket.Server server = RSocketServer.create(SocketAcceptor.forRequestStream(request ->
                            Flux.from(Streams.fromIterable(moirai, List.of("a", "b", "c"))).map(DefaultPayload::create)))
                    .bind(MoiraiRSocket.serverTransport(moirai, new InetSocketAddress("127.0.0.1", 0)))
                    .block();
            RSocket client = RSocketConnector.connectWith(MoiraiRSocket.clientTransport(moirai, server.address())).block();
            List<String> letters = client.requestStream(DefaultPayload.create("letters"))
                    .map(Payload::getDataUtf8).collectList().block();
            // README: end
            assertThat(letters).containsExactly("a", "b", "c");
            client.dispose();
            server.dispose();
            server.onClose().block(Loopback.TIMEOUT);
        }
    }
}

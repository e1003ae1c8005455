package io.moirai.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.stream.Streams;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.util.DefaultPayload;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Many streams at once on one connection: frames of 100 streams interleave, each stream arrives whole and in order. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrentStreamsTest {

    private static final int STREAMS = 100;
    private static final int ITEMS = 50;

    private Loopback loop;
    private RSocket client;

    @BeforeEach
    void start() {
        loop = new Loopback("concurrent");
        MoiraiRSocket.Server server = loop.moiraiServer((setup, sendingSocket) -> Mono.just(new RSocket() {
            @Override
            public Flux<Payload> requestStream(Payload request) {
                String name = request.getDataUtf8();
                request.release();
                List<Integer> items = IntStream.range(0, ITEMS).boxed().collect(Collectors.toList());
                return Flux.from(Streams.fromIterable(loop.moirai, items)).map(i -> DefaultPayload.create(name + ":" + i));
            }

            @Override
            public Mono<Payload> requestResponse(Payload request) {
                String data = request.getDataUtf8();
                request.release();
                return Mono.fromDirect(loop.moirai.spawn(() -> data.length())).map(n -> DefaultPayload.create(data + "=" + n));
            }
        }));
        client = loop.moiraiClient(server.address());
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    @Test
    void hundredConcurrentStreamsOnOneConnectionEachArriveWholeAndInOrder() {
        Map<String, List<String>> byStream = Flux.range(0, STREAMS)
                .flatMap(s -> client.requestStream(DefaultPayload.create("s" + s)).map(Payload::getDataUtf8)
                        .collectList().map(items -> Map.entry("s" + s, items)), STREAMS)
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .block(Loopback.TIMEOUT);
        assertThat(byStream).hasSize(STREAMS);
        byStream.forEach((name, items) -> assertThat(items).as(name)
                .isEqualTo(IntStream.range(0, ITEMS).mapToObj(i -> name + ":" + i).collect(Collectors.toList())));
    }

    @Test
    void requestsFromManyThreadsAtOnceAllGetTheirOwnAnswer() {
        List<String> answers = Flux.range(0, 300)
                .parallel(4).runOn(Schedulers.parallel())
                .flatMap(i -> client.requestResponse(DefaultPayload.create("q" + i)).map(Payload::getDataUtf8))
                .sequential()
                .collectList()
                .block(Loopback.TIMEOUT);
        assertThat(answers).hasSize(300).contains("q0=2", "q299=4")
                .allSatisfy(a -> assertThat(a.substring(a.indexOf('=') + 1)).isEqualTo(Integer.toString(a.indexOf('='))));
    }
}

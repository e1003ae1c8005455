package io.moirai.rsocket;

import io.moirai.Moirai;
import io.moirai.stream.Channel;
import io.moirai.stream.Streams;
import io.moirai.task.TaskHandle;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.util.DefaultPayload;
import java.util.function.LongUnaryOperator;
import java.util.stream.LongStream;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The recipe of the README's "Serving Moirai publishers", verbatim from the class declaration on
 * (examples' {@code ReadmeSnippets} holds the same text): a {@code TaskHandle} answers a
 * request-response, {@code Streams.parallelMap} a request-stream, a {@code Channel} a request-channel.
 * {@link ServingMoiraiPublishersTest} runs it.
 */
// README: begin
final class SquareService implements RSocket {              // Moirai publishers as RSocket responses
    private final Moirai moirai;
    private final LongUnaryOperator slowSquare;              // blocking work, e.g. a database call

    SquareService(Moirai moirai, LongUnaryOperator slowSquare) {
        this.moirai = moirai;
        this.slowSquare = slowSquare;
    }

    @Override
    public Mono<Payload> requestResponse(Payload request) {   // a TaskHandle
        long n = Long.parseLong(request.getDataUtf8());
        request.release();
        TaskHandle<Long> task = moirai.spawnBlocking(() -> slowSquare.applyAsLong(n));
        return Mono.fromDirect(task).doOnCancel(task::cancel) // a remote cancel cancels (interrupts) the task
                .map(square -> DefaultPayload.create(Long.toString(square)));
    }

    @Override
    public Flux<Payload> requestStream(Payload request) {     // Streams.parallelMap: REQUEST_N is its demand
        long count = Long.parseLong(request.getDataUtf8());
        request.release();
        Publisher<Long> squares = Streams.parallelMap(moirai,
                Streams.fromIterable(moirai, () -> LongStream.range(0, count).iterator()), i -> i * i, 4);
        return Flux.from(squares).map(square -> DefaultPayload.create(Long.toString(square)));
    }

    @Override
    public Flux<Payload> requestChannel(Publisher<Payload> requests) { // a Channel, fed by the requests
        Channel<String> replies = Channel.bounded(moirai, 64);
        Flux.from(requests).map(p -> {
            try {
                return p.getDataUtf8().toUpperCase();
            } finally {
                p.release();
            }
        }).subscribe(replies.asSubscriber());                 // a cancelled receiver cancels the requests
        return Flux.from(replies.receiver()).map(DefaultPayload::create);
    }
}
// README: end

package io.moirai.examples;

import static java.net.http.HttpResponse.BodyHandlers.ofString;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.moirai.Moirai;
import io.moirai.micrometer.MoiraiMetrics;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.reactor.MoiraiReactor;
import io.moirai.rxjava3.MoiraiRx;
import io.moirai.stream.Channel;
import io.moirai.stream.Streams;
import io.moirai.task.TaskHandle;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Maybe;
import io.reactivex.rxjava3.core.Single;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The README's Java snippets, verbatim, each the body of one method, so that they compile with the
 * project. {@link ReadmeSnippetsTest} checks that every {@code java} block of the README appears
 * here and runs the snippets that need no outside world. The fields and helpers stand for the
 * application code the snippets mention.
 */
@SuppressWarnings("unused")
final class ReadmeSnippets {

    /** An application's event type. */
    record Event(int id) {}

    /** An application's result type. */
    record Result(int value) {}

    private final HttpClient httpClient = HttpClient.newHttpClient();
    private final HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:9/")).build();
    private final Event e = new Event(1);
    private final List<Event> source = List.of(new Event(2), new Event(3));
    private final List<Integer> inputs = List.of(1, 2, 3);
    private Subscriber<TcpConnection> echoServer;
    private Publisher<ByteBuffer> requests;
    private Subscriber<ByteBuffer> responses;

    private static String readFile() throws IOException {
        return "contents";
    }

    private Result expensive(Integer input) {
        return new Result(input * 2);
    }

    void core() {
        // README: "Core in five lines"
try (Moirai moirai = Moirai.create()) {
    TaskHandle<Integer> answer = moirai.spawn(() -> 6 * 7);            // compute workers
    TaskHandle<String> file = moirai.spawnBlocking(() -> readFile());    // elastic blocking pool
    TaskHandle<String> reply = moirai.spawnAsync(() -> httpClient.sendAsync(req, ofString())
            .thenApply(HttpResponse::body));                             // holds no thread while pending
    int value = answer.join();                                           // or tryJoin(), toCompletableFuture(), subscribe()
}
    }

    void timersAndTcp(Moirai moirai) throws IOException {
        // README: "Timers and TCP"
TaskHandle<Void> later = moirai.delay(Duration.ofMillis(250));            // holds no thread
TaskHandle<String> job = moirai.schedule(Duration.ofSeconds(1), () -> "tick");
Publisher<Long> ticks = moirai.interval(Duration.ofMillis(100));          // a tick without demand is dropped

try (TcpListener listener = TcpListener.bind(moirai, new InetSocketAddress("127.0.0.1", 0))) {
    listener.connections().subscribe(echoServer);      // onNext(conn): conn.outbound(conn.inbound())
    TcpConnection client = TcpConnection.connect(moirai, listener.localAddress()).join();
    client.outbound(requests);                          // writes in order, FIN when requests completes
    client.inbound().subscribe(responses);              // reads only while responses has demand
}
    }

    void streams(Moirai moirai) {
        // README: "Streams"
Channel<Event> events = Channel.bounded(moirai, 256);
events.trySend(e);                                    // false when full
events.send(e).join();                                // waits for room without holding a thread
Flux.fromIterable(source).subscribe(MoiraiReactor.toSubscriber(events)); // feeds with backpressure
                                                      // (events.asSubscriber() from any other library)
Publisher<Event> received = events.receiver();        // one subscriber, delivered on the workers

Publisher<Result> results = Streams.parallelMap(moirai, Streams.fromIterable(moirai, inputs),
        this::expensive, 8);                          // at most 8 calls in flight, source order kept
    }

    List<Integer> reactor(Moirai moirai) {
        // README: "Reactor adapter"
Scheduler cpu = MoiraiReactor.scheduler(moirai);             // publishOn/subscribeOn on the compute workers
Scheduler io = MoiraiReactor.blockingScheduler(moirai);      // where block() is allowed
Mono<Integer> answer = MoiraiReactor.toMono(moirai.spawn(() -> 6 * 7)); // cancelling it cancels the task
Flux<Long> ticks = MoiraiReactor.toFlux(moirai.interval(Duration.ofMillis(100)));
List<Integer> squares = Flux.range(0, 1_000).publishOn(cpu).map(i -> i * i).collectList().block();
        cpu.dispose();
        io.dispose();
        return squares;
    }

    long rxjava(Moirai moirai) {
        // README: "RxJava adapter"
io.reactivex.rxjava3.core.Scheduler rxCpu = MoiraiRx.scheduler(moirai);
Single<Integer> single = MoiraiRx.toSingle(moirai.spawn(() -> 6 * 7));  // disposing it cancels the task
Maybe<Object> maybe = MoiraiRx.toMaybe(moirai.spawn(() -> null));       // a null result is empty
Completable done = MoiraiRx.toCompletable(moirai.delay(Duration.ofMillis(10)));
long even = Flowable.range(0, 1_000).observeOn(rxCpu).filter(i -> i % 2 == 0).count().blockingGet();
        rxCpu.shutdown();
        return even;
    }

    MeterRegistry micrometer(Moirai moirai) {
        // README: "Micrometer"
MeterRegistry registry = new SimpleMeterRegistry();                      // or your application's registry
new MoiraiMetrics(moirai, Tags.of("runtime", "main")).bindTo(registry);  // moirai.workers, moirai.tasks.spawned, ...
        return registry;
    }
}

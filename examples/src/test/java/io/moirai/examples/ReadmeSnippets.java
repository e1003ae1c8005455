package io.moirai.examples;

import static java.net.http.HttpResponse.BodyHandlers.ofString;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.moirai.Moirai;
import io.moirai.micrometer.MoiraiMetrics;
import io.moirai.examples.cli.Work;
import io.moirai.examples.scale.Records;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.reactor.MoiraiReactor;
import io.moirai.rsocket.MoiraiRSocket;
import io.moirai.rxjava3.MoiraiRx;
import io.moirai.stream.Channel;
import io.moirai.stream.Streams;
import io.moirai.task.TaskHandle;
import io.moirai.task.TaskResult;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Maybe;
import io.reactivex.rxjava3.core.Single;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.core.RSocketConnector;
import io.rsocket.core.RSocketServer;
import io.rsocket.util.DefaultPayload;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongUnaryOperator;
import java.util.stream.LongStream;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

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
    private static final ThreadLocal<String> REQUEST_ID = new ThreadLocal<>();
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

    void conveniences(Moirai moirai, CompletableFuture<String> future) throws IOException {
        // README: "Small conveniences and a server's main"
TaskHandle<Void> logged = moirai.spawn(() -> System.out.println("hello"));     // a Runnable: null result
TaskHandle<String> adopted = moirai.fromCompletionStage(future);              // cancelling it cancels the future
TaskHandle<String> fromMono = MoiraiReactor.toTask(moirai, Mono.just("r"));    // MoiraiRx.toTask: Single, Maybe, Completable
Optional<TaskResult<String>> outcome = adopted.tryJoin(Duration.ofSeconds(1)); // empty on timeout; no checked exception
Publisher<ByteBuffer> hello = Streams.bytes(moirai, "hello\n");               // Streams.of(moirai, a, b, c) for items
TaskHandle<TcpConnection> conn = TcpConnection.connect(moirai, "localhost", 8080); // name looked up off the caller

TcpListener listener = TcpListener.bind(moirai, 8080);                       // every local address
listener.connections().subscribe(echoServer);
listener.onClose().join();     // a server's main waits: the runtime's threads are daemon threads
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

    List<String> rsocket(Moirai moirai) {
        // README: "RSocket adapter"
MoiraiRSocket.Server server = RSocketServer.create(SocketAcceptor.forRequestStream(request ->
                Flux.from(Streams.fromIterable(moirai, List.of("a", "b", "c"))).map(DefaultPayload::create)))
        .bind(MoiraiRSocket.serverTransport(moirai, new InetSocketAddress("127.0.0.1", 0)))
        .block();
RSocket client = RSocketConnector.connectWith(MoiraiRSocket.clientTransport(moirai, server.address())).block();
List<String> letters = client.requestStream(DefaultPayload.create("letters"))
        .map(Payload::getDataUtf8).collectList().block();
        client.dispose();
        server.dispose();
        return letters;
    }

    /** Runs the README's {@link SquareService} behind a server and asks it for a square and for a stream of squares. */
    List<String> rsocketRecipe(Moirai moirai) {
        MoiraiRSocket.Server server = RSocketServer.create(SocketAcceptor.with(new SquareService(moirai, n -> n * n)))
                .bind(MoiraiRSocket.serverTransport(moirai, new InetSocketAddress("127.0.0.1", 0))).block();
        RSocket client = RSocketConnector.connectWith(MoiraiRSocket.clientTransport(moirai, server.address())).block();
        try {
            String square = client.requestResponse(DefaultPayload.create("7")).map(Payload::getDataUtf8).block();
            List<String> squares = client.requestStream(DefaultPayload.create("4")).map(Payload::getDataUtf8).collectList().block();
            return List.of(square, String.join(",", squares));
        } finally {
            client.dispose();
            server.dispose();
        }
    }

    Flux<Payload> scaleWorker(Moirai moirai, Publisher<Payload> records, int rounds, int parallelism) {
        // README: "Scale-out over RSocket", a worker's answer to a request-channel of records
Publisher<Long> indices = Flux.from(records).map(Records::index);         // the coordinator's request-channel
Publisher<Records.Result> results = Streams.parallelMap(moirai, indices,   // asks for one window of records,
        (Long i) -> new Records.Result(i, Work.transform(i, rounds)), parallelism); // then more as results leave
return Flux.from(results).map(Records::result);                            // sent as the coordinator asks
    }

    // README: "RSocket adapter", serving Moirai publishers
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
    String contextPropagation(Moirai moirai) {
        // README: "Context propagation"
Hooks.enableAutomaticContextPropagation();                           // once, at start-up
ContextRegistry.getInstance().registerThreadLocalAccessor("request-id",
        REQUEST_ID::get, REQUEST_ID::set, REQUEST_ID::remove);
String seen = Mono.fromCallable(REQUEST_ID::get)                      // "42" on the Moirai worker
        .subscribeOn(MoiraiReactor.scheduler(moirai))
        .contextWrite(Context.of("request-id", "42"))
        .block();
        return seen;
    }

    Moirai decoratedRuntime() {
        // README: "Context propagation", plain tasks
ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder().build();
Moirai moirai = Moirai.builder()
        .taskDecorator(task -> snapshots.captureAll().wrap(task))     // the spawning thread's ThreadLocals
        .build();
REQUEST_ID.set("42");
String seen = moirai.spawn(REQUEST_ID::get).join();                   // "42" on the worker, too
        return moirai;
    }

    MeterRegistry micrometer(Moirai moirai) {
        // README: "Micrometer"
MeterRegistry registry = new SimpleMeterRegistry();                      // or your application's registry
new MoiraiMetrics(moirai, Tags.of("runtime", "main")).bindTo(registry);  // moirai.workers, moirai.tasks.spawned, ...
        return registry;
    }
}

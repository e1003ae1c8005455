package io.moirai.benchmarks;

import io.moirai.Moirai;
import io.moirai.rsocket.MoiraiRSocket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rsocket.Closeable;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.core.RSocketConnector;
import io.rsocket.core.RSocketServer;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.transport.netty.server.CloseableChannel;
import io.rsocket.transport.netty.server.TcpServerTransport;
import io.rsocket.util.ByteBufPayload;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * RSocket ({@code rsocket-core} 1.1.5) over Moirai's transport ({@code MoiraiRSocket}, module
 * {@code adapters-rsocket}) against RSocket over its own TCP transport ({@code rsocket-transport-netty}
 * 1.1.5: {@code TcpServerTransport} / {@code TcpClientTransport} on reactor-netty), issue 16. Each peer
 * has one RSocket server and one client connected to it over loopback, set up once per trial and kept
 * for all its invocations; the server side, the client side and everything around the transport are
 * the same code for both peers, so the transport is the only difference.
 *
 * <p><b>What is measured</b>, three shapes, each with a Moirai and a Netty method:
 * <ul>
 *   <li>{@code requestResponse*}: {@value #ROUND_TRIPS} sequential request-response round trips per
 *       invocation, a {@value #SMALL}-byte request answered by a {@value #SMALL}-byte response. The next
 *       request is sent from the previous response's {@code onComplete}, on the client's I/O thread (as
 *       {@code TcpPingPongBenchmark} plays its round trips), so exactly one request is in flight and the
 *       JMH thread, which sends the first request and waits for the last response, is woken once per
 *       batch rather than once per round trip. Reported as <b>µs per round trip</b> ({@code avgt},
 *       {@code @OperationsPerInvocation(1000)}): lower is better.
 *   <li>{@code stream64*}: one request-stream of {@value #SMALL_ITEMS} payloads of {@value #SMALL} bytes
 *       per invocation (a quarter of the 1,000,000: at the 0.3-0.7 M payloads/s of a smoke run
 *       a million took 1.5-3.5 s, longer than an iteration; the stream still spans about 1,300
 *       REQUEST_N batches). Reported as <b>million payloads per second</b> ({@code thrpt},
 *       {@code ops/us}, one operation = one payload).
 *   <li>{@code streamLarge*}: one request-stream of {@value #LARGE_MIB} MiB per invocation in payloads of
 *       {@code payloadSize} bytes ({@code @Param}: 1024, i.e. 65,536 payloads, and 65536, i.e. 1,024
 *       payloads). Reported as <b>MiB of payload data per second</b> ({@code thrpt}, {@code ops/s}, one
 *       operation = one MiB; frame headers are not counted).
 * </ul>
 *
 * <p><b>Rows and placement.</b> Thread placement changes the figures (see {@code TcpPingPongBenchmark}),
 * so each peer runs with two placements, and a ratio compares like with like:
 * <ul>
 *   <li>one thread: Moirai {@code ioThreads=1} (the listener and both ends of the connection on one
 *       I/O thread; also Moirai's default, {@code Moirai.builder()} has one I/O thread) against Netty
 *       {@code nettyLoops=1}: one dedicated event loop shared by the server and the client
 *       ({@code LoopResources.create("bench-netty", 1, true)}, given to both the {@code TcpServer} and
 *       the {@code TcpClient} with {@code runOn}). The reference line.
 *   <li>two threads, Netty's default: Moirai {@code ioThreads=2} (I/O threads are handed out in turns:
 *       the client's end and the accepted server end land on the two threads) against Netty
 *       {@code nettyLoops=default}: reactor-netty's global resources, {@code max(cores, 4)} epoll event
 *       loops, client and server usually on two loops that wake each other. The TCP suites pair their
 *       rows the same way.
 * </ul>
 * Moirai gets {@code workerThreads(n)} ({@code workers}, default {@code auto} = available processors),
 * but nothing here runs on its workers: on both peers RSocket calls the server's handler, and the
 * client's subscribers, on the connections' I/O threads, and the responses below are produced there
 * (the stream's as REQUEST_N frames arrive); only each invocation's first request is sent from the JMH thread. Native epoll for Netty, as reactor-netty
 * picks it; {@code TCP_NODELAY} on both (Moirai's core and reactor-netty set it); OS default socket
 * buffers. All rows run in one JMH invocation with the same JVM flags.
 *
 * <p><b>Same code on both sides.</b>
 * <ul>
 *   <li>RSocket set-up: {@code RSocketServer.create(SocketAcceptor.with(responder))} and
 *       {@code RSocketConnector.create()}, both with {@code payloadDecoder(PayloadDecoder.ZERO_COPY)}
 *       (RSocket's fastest decoder: a received payload is a retained slice of the frame, released by
 *       its receiver), every other setting at RSocket's defaults (no fragmentation, keep-alive 20 s).
 *       The Moirai transport runs with {@code MoiraiRSocket.Settings.defaults()}: Netty's pooled
 *       {@code ByteBufAllocator.DEFAULT} (the allocator reactor-netty's channels use too), RSocket's
 *       maximum frame length (16 MiB - 1, as Netty's transport), 64 MiB outbound queue bound. Netty's transport: {@code TcpServerTransport.create(TcpServer)}
 *       and {@code TcpClientTransport.create(TcpClient)}, with the {@code TcpServer}/{@code TcpClient}
 *       RSocket's own factory methods build ({@code TcpClient.create()}), plus {@code runOn}.
 *   <li>Payload construction: each payload sent is {@code ByteBufPayload.create(buf.retainedDuplicate())}
 *       of one preallocated direct buffer per size (filled with a fixed pattern), so no row copies or
 *       encodes payload bytes of its own; RSocket releases what it sends. The server answers a stream
 *       with {@code Flux.range(0, count).map(i -> payload)}, a request-response with
 *       {@code Mono.just(payload)}; the request says how many payloads of which size.
 *   <li>Demand: the client subscribes to {@code requestStream(..).limitRate(demand)} ({@code demand},
 *       default {@value #DEMAND}, the same for both peers): {@code demand} payloads in the
 *       REQUEST_STREAM frame, then REQUEST_N of 3/4 of it as the client consumes, which is how a
 *       Reactor subscriber asks by default. It is deliberately not {@code Long.MAX_VALUE}: the Moirai
 *       transport bounds its outbound queue ({@code Settings.maxQueuedBytes}, 64 MiB) and fails the
 *       connection when a frame would exceed it, while Netty's transport queues without bound; a client
 *       asking for everything could overflow the bound on the 64 KiB stream (what REQUEST_N is for,
 *       MoiraiRSocket's javadoc says). With 256 at most 16 MiB of payload is outstanding.
 *   <li>Receiving: the client counts every payload and its data bytes, then releases it; the server
 *       releases every request once read.
 * </ul>
 *
 * <p><b>Checks.</b> Each invocation verifies that it got what it asked for: every response
 * {@value #SMALL} bytes, and a stream complete with exactly the payloads and bytes requested. A wrong
 * count, an error on either side, or an invocation not done within 60 s fails the run with the
 * progress and the connection's state in the message (a stuck stream is cancelled first), never a hang
 * or a number.
 *
 * <p><b>Run</b> (about 17-20 minutes on 2 cores: 16 rows x 3 forks x 15 iterations of 1 s and more):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar RSocketBenchmark -rf json -rff benchmarks/results/rsocket.json
 * benchmarks/run.sh --suites RSocket --no-beyond --name rsocket   # builds, runs it, writes results/rsocket.md with the report's lines
 * java -jar benchmarks/target/benchmarks.jar RSocketBenchmark -p ioThreads=1 -p nettyLoops=1   # reference rows only
 * </pre>
 * Warm-up is 10 x 1 s, as in the TCP suites: the I/O paths of both transports take several iterations
 * to compile; check that the last measurement iterations no longer rise. An invocation takes
 * 0.05-0.9 s (smoke run, not warmed up), so an iteration may run a little over its second.
 */
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
public class RSocketBenchmark {

    /** Size of the request-response payloads and of the small stream payloads, in bytes. */
    static final int SMALL = 64;

    /** Request-response round trips per invocation (operations per invocation). */
    static final int ROUND_TRIPS = 1_000;

    /** Payloads of the small stream per invocation (operations per invocation). */
    static final int SMALL_ITEMS = 250_000;

    /** MiB of payload data per large-stream invocation (operations per invocation). */
    static final int LARGE_MIB = 64;

    /** The payload sizes the server can answer with. */
    static final int[] SIZES = {SMALL, 1024, 64 * 1024};

    /** Default client demand: payloads per {@code limitRate} batch. */
    static final String DEMAND = "256";

    /** How long the JMH thread waits for an invocation's last response; reaching it means a hang. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    // ---------------------------------------------------------------- rows

    /** Moirai: 1,000 sequential request-response round trips. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(ROUND_TRIPS)
    public void requestResponseMoirai(MoiraiPeer s) {
        roundTrips(s.peer, ROUND_TRIPS);
    }

    /** RSocket's Netty TCP transport: 1,000 sequential request-response round trips. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(ROUND_TRIPS)
    public void requestResponseNetty(NettyPeer s) {
        roundTrips(s.peer, ROUND_TRIPS);
    }

    /** Moirai: a stream of 250,000 x 64 B. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(SMALL_ITEMS)
    public void stream64Moirai(MoiraiPeer s) {
        stream(s.peer, SMALL_ITEMS, SMALL, s.demand);
    }

    /** RSocket's Netty TCP transport: a stream of 250,000 x 64 B. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(SMALL_ITEMS)
    public void stream64Netty(NettyPeer s) {
        stream(s.peer, SMALL_ITEMS, SMALL, s.demand);
    }

    /** Moirai: a stream of 64 MiB in payloads of {@code payloadSize}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(LARGE_MIB)
    public void streamLargeMoirai(MoiraiPeer s, LargePayload p) {
        stream(s.peer, p.count(), p.payloadSize, s.demand);
    }

    /** RSocket's Netty TCP transport: a stream of 64 MiB in payloads of {@code payloadSize}. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(LARGE_MIB)
    public void streamLargeNetty(NettyPeer s, LargePayload p) {
        stream(s.peer, p.count(), p.payloadSize, s.demand);
    }

    // ---------------------------------------------------------------- states

    /** The Moirai peer: a runtime, an RSocket server on {@code MoiraiRSocket.serverTransport}, a client on its client transport. */
    @State(Scope.Benchmark)
    public static class MoiraiPeer {
        /** Compute workers: {@code auto} (available processors) or a positive count. */
        @Param(BenchSupport.AUTO)
        public String workers;

        /** I/O threads; 1 puts the listener and both ends of the connection on one thread. */
        @Param({"1", "2"})
        public int ioThreads;

        /** The client's {@code limitRate}: payloads requested per batch. */
        @Param(DEMAND)
        public int demand;

        Peer peer;

        @Setup(Level.Trial)
        public void setUp() {
            peer = Peer.moirai(BenchSupport.workers(workers), ioThreads);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (peer != null) {
                peer.close();
            }
        }
    }

    /** The Netty peer: an RSocket server on {@code TcpServerTransport}, a client on {@code TcpClientTransport}. */
    @State(Scope.Benchmark)
    public static class NettyPeer {
        /** {@code default} (reactor-netty's global resources) or a dedicated event loop count, shared by both ends. */
        @Param({"1", TcpSupport.NETTY_DEFAULT_LOOPS})
        public String nettyLoops;

        /** The client's {@code limitRate}: payloads requested per batch. */
        @Param(DEMAND)
        public int demand;

        Peer peer;

        @Setup(Level.Trial)
        public void setUp() {
            peer = Peer.netty(nettyLoops);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (peer != null) {
                peer.close();
            }
        }
    }

    /** The payload size of the large-stream rows. */
    @State(Scope.Benchmark)
    public static class LargePayload {
        /** Bytes per payload: 1 KiB or 64 KiB. */
        @Param({"1024", "65536"})
        public int payloadSize;

        /** @return payloads per invocation: {@value RSocketBenchmark#LARGE_MIB} MiB worth */
        int count() {
            long bytes = LARGE_MIB * 1024L * 1024L;
            if (bytes % payloadSize != 0) {
                throw new IllegalArgumentException("payloadSize must divide " + LARGE_MIB + " MiB, got " + payloadSize);
            }
            return (int) (bytes / payloadSize);
        }
    }

    // ---------------------------------------------------------------- one invocation

    /**
     * Plays {@code count} sequential request-response round trips and waits for the last.
     *
     * @throws IllegalStateException on a wrong response, an error, or no last response within {@link RSocketBenchmark#TIMEOUT}
     */
    static void roundTrips(Peer peer, int count) {
        RoundTrips trips = new RoundTrips(peer, count);
        trips.next();
        await(trips.done, "request-response", () -> trips.completed + " of " + count + " round trips done; " + peer.state(),
                () -> { });
    }

    /**
     * Requests a stream of {@code count} payloads of {@code size} bytes with {@code limitRate(demand)},
     * counts and releases them, and waits for its completion.
     *
     * @throws IllegalStateException on a wrong count, an error, or no completion within {@link RSocketBenchmark#TIMEOUT}
     */
    static void stream(Peer peer, int count, int size, int demand) {
        StreamCount counter = new StreamCount(count, size);
        ByteBuf request = Unpooled.buffer(8, 8).writeInt(count).writeInt(size);
        peer.client.requestStream(ByteBufPayload.create(request)).limitRate(demand).subscribe(counter);
        await(counter.done, "request-stream", () -> counter.progress() + "; " + peer.state(), counter::cancel);
    }

    private static void await(CompletableFuture<Void> done, String what, Supplier<String> state, Runnable onTimeout) {
        try {
            done.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            String message = what + " not done within " + TIMEOUT + ": " + state.get();
            onTimeout.run();
            throw new IllegalStateException(message);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + state.get(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " interrupted: " + state.get(), e);
        }
    }

    /**
     * The client of one request-response batch: each response's {@code onComplete} sends the next
     * request (on the thread that delivered the response), until {@code count} are done. One instance
     * serves the round trips of a batch one after the other, never two at once; its fields are
     * written by one thread at a time, each round trip starting after the previous one ended.
     */
    static final class RoundTrips implements CoreSubscriber<Payload> {
        private final Peer peer;
        private final int count;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** Round trips done; volatile for the failure message. */
        volatile int completed;
        private int responseSize = -1;

        RoundTrips(Peer peer, int count) {
            this.peer = peer;
            this.count = count;
        }

        /** Sends the next request. */
        void next() {
            responseSize = -1;
            peer.client.requestResponse(ByteBufPayload.create(peer.request.retainedDuplicate())).subscribe(this);
        }

        @Override
        public void onSubscribe(Subscription s) {
            s.request(1);
        }

        @Override
        public void onNext(Payload response) {
            responseSize = response.data().readableBytes();
            response.release();
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            if (responseSize != SMALL) {
                done.completeExceptionally(new IllegalStateException("round trip " + (completed + 1) + ": "
                        + (responseSize < 0 ? "no response" : "a response of " + responseSize + " bytes, not " + SMALL)));
                return;
            }
            int n = completed + 1;
            completed = n;
            if (n == count) {
                done.complete(null);
            } else {
                next();
            }
        }
    }

    /**
     * The client's subscriber of one stream: counts payloads and their data bytes, releases each, and
     * on completion checks both against what was requested. It requests {@code Long.MAX_VALUE} from
     * {@code limitRate}, which turns that into batches of {@code demand} upstream.
     */
    static final class StreamCount implements CoreSubscriber<Payload> {
        private final long expectedItems;
        private final int size;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile Subscription subscription;
        /** Written by the delivering thread only; read racily for a failure message. */
        private long items;
        private long bytes;

        StreamCount(long expectedItems, int size) {
            this.expectedItems = expectedItems;
            this.size = size;
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Payload payload) {
            bytes += payload.data().readableBytes();
            payload.release();
            items++;
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            if (items != expectedItems || bytes != expectedItems * size) {
                done.completeExceptionally(new IllegalStateException("stream completed after " + progress()));
            } else {
                done.complete(null);
            }
        }

        /** Cancels the stream (after a timeout), so its server stops producing. */
        void cancel() {
            Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        String progress() {
            return items + " of " + expectedItems + " payloads, " + bytes + " of " + expectedItems * size + " bytes";
        }
    }

    // ---------------------------------------------------------------- server and client

    /**
     * The server's RSocket, the same for both peers. A request-response request of {@value RSocketBenchmark#SMALL} bytes
     * is answered with {@value RSocketBenchmark#SMALL} bytes; a request-stream request holds two ints, the count and the
     * size (one of {@link RSocketBenchmark#SIZES}) of the payloads to stream. Every request is released once read. The
     * payloads are retained duplicates of one direct buffer per size, released by {@link #close()}.
     * Called on the server connection's I/O thread.
     */
    static final class Responder implements RSocket {
        private final Map<Integer, ByteBuf> payloads;

        Responder() {
            ByteBuf small = TcpSupport.directByteBuf(TcpSupport.pattern(SIZES[0]));
            ByteBuf medium = TcpSupport.directByteBuf(TcpSupport.pattern(SIZES[1]));
            ByteBuf large = TcpSupport.directByteBuf(TcpSupport.pattern(SIZES[2]));
            payloads = Map.of(SIZES[0], small, SIZES[1], medium, SIZES[2], large);
        }

        @Override
        public Mono<Payload> requestResponse(Payload request) {
            int n = request.data().readableBytes();
            request.release();
            if (n != SMALL) {
                return Mono.error(new IllegalArgumentException("a request of " + n + " bytes, not " + SMALL));
            }
            return Mono.just(ByteBufPayload.create(payloads.get(SMALL).retainedDuplicate()));
        }

        @Override
        public Flux<Payload> requestStream(Payload request) {
            ByteBuf data = request.data();
            int length = data.readableBytes();
            int count = length == 8 ? data.getInt(data.readerIndex()) : -1;
            int size = length == 8 ? data.getInt(data.readerIndex() + 4) : -1;
            request.release();
            ByteBuf payload = payloads.get(size);
            if (count < 0 || payload == null) {
                return Flux.error(new IllegalArgumentException(
                        "a stream request is a count and a size of " + Arrays.toString(SIZES)
                                + ", got " + length + " bytes (count " + count + ", size " + size + ")"));
            }
            return Flux.range(0, count).map(i -> ByteBufPayload.create(payload.retainedDuplicate()));
        }

        void close() {
            payloads.values().forEach(ByteBuf::release);
        }
    }

    /**
     * One peer: its RSocket server, a client connected to it, and what to close after them (the
     * Moirai runtime, or Netty's dedicated loops). Set up and closed by the JMH thread; the client is
     * used from the JMH thread and from the I/O threads.
     */
    static final class Peer implements AutoCloseable {
        final RSocket client;
        /** The client's request-response request: {@value RSocketBenchmark#SMALL} bytes, sent as retained duplicates. */
        final ByteBuf request = TcpSupport.directByteBuf(TcpSupport.pattern(SMALL));
        private final Closeable server;
        private final Responder responder;
        private final AutoCloseable resources;
        private final Supplier<String> details;

        private Peer(RSocket client, Closeable server, Responder responder, AutoCloseable resources,
                Supplier<String> details) {
            this.client = client;
            this.server = server;
            this.responder = responder;
            this.resources = resources;
            this.details = details;
        }

        /**
         * @param workers Moirai's compute workers
         * @param ioThreads Moirai's I/O threads
         * @return RSocket's server and client over {@code MoiraiRSocket}'s transports, default settings
         */
        static Peer moirai(int workers, int ioThreads) {
            Moirai moirai = BenchSupport.newMoirai(workers, ioThreads);
            Responder responder = new Responder();
            MoiraiRSocket.Server server = null;
            try {
                server = RSocketServer.create(SocketAcceptor.with(responder))
                        .payloadDecoder(PayloadDecoder.ZERO_COPY)
                        .bind(MoiraiRSocket.serverTransport(moirai, TcpSupport.anyLoopbackPort()))
                        .block(TIMEOUT);
                RSocket client = RSocketConnector.create()
                        .payloadDecoder(PayloadDecoder.ZERO_COPY)
                        .connect(MoiraiRSocket.clientTransport(moirai, server.address()))
                        .block(TIMEOUT);
                MoiraiRSocket.Server s = server;
                return new Peer(client, server, responder, () -> BenchSupport.shutdown(moirai),
                        () -> "Moirai transport, server " + s.address() + ", " + moirai.metrics());
            } catch (RuntimeException | Error e) {
                dispose(server);
                BenchSupport.shutdown(moirai);
                responder.close();
                throw e;
            }
        }

        /**
         * @param nettyLoops {@value TcpSupport#NETTY_DEFAULT_LOOPS} or an event loop count for both ends
         * @return RSocket's server and client over its own TCP transport
         */
        static Peer netty(String nettyLoops) {
            LoopResources loops = TcpSupport.nettyLoops(nettyLoops);
            Responder responder = new Responder();
            CloseableChannel server = null;
            try {
                TcpServer tcpServer = TcpServer.create().host(InetAddress.getLoopbackAddress().getHostAddress()).port(0);
                if (loops != null) {
                    tcpServer = tcpServer.runOn(loops);
                }
                server = RSocketServer.create(SocketAcceptor.with(responder))
                        .payloadDecoder(PayloadDecoder.ZERO_COPY)
                        .bind(TcpServerTransport.create(tcpServer))
                        .block(TIMEOUT);
                CloseableChannel s = server;
                TcpClient tcpClient = TcpClient.create().remoteAddress(s::address);
                if (loops != null) {
                    tcpClient = tcpClient.runOn(loops);
                }
                RSocket client = RSocketConnector.create()
                        .payloadDecoder(PayloadDecoder.ZERO_COPY)
                        .connect(TcpClientTransport.create(tcpClient))
                        .block(TIMEOUT);
                return new Peer(client, server, responder, () -> disposeLoops(loops),
                        () -> "Netty transport, server " + s.address() + ", loops " + nettyLoops);
            } catch (RuntimeException | Error e) {
                dispose(server);
                disposeLoops(loops);
                responder.close();
                throw e;
            }
        }

        String state() {
            return details.get() + ", client " + (client.isDisposed() ? "disposed" : "open");
        }

        /** Disposes the client, then the server, waits for both to close, then stops the runtime or loops. */
        @Override
        public void close() {
            try {
                dispose(client);
                dispose(server);
                resources.close();
            } catch (Exception e) {
                System.err.println("WARNING: closing the RSocket peer failed: " + e);
            } finally {
                responder.close();
                request.release();
            }
        }

        private static void dispose(Closeable closeable) {
            if (closeable != null) {
                closeable.dispose();
                closeable.onClose().onErrorResume(e -> Mono.empty()).block(TIMEOUT);
            }
        }

        private static void disposeLoops(LoopResources loops) {
            if (loops != null) {
                loops.disposeLater().block(TIMEOUT);
            }
            // reactor-netty's global default resources are left alone: the forked JVM ends after the trial.
        }
    }
}

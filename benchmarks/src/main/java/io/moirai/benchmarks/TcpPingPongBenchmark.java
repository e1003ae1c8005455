package io.moirai.benchmarks;

import io.moirai.Moirai;
import io.moirai.benchmarks.TcpSupport.BlockingEchoServer;
import io.moirai.benchmarks.TcpSupport.ByteCounter;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
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
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;

/**
 * TCP ping-pong over loopback: one connection to an echo server; the client sends a
 * {@value #MESSAGE}-byte message, waits until {@value #MESSAGE} bytes have come back, and sends the
 * next, so exactly one message is in flight. Each invocation is {@value #ROUND_TRIPS} round trips and
 * one JMH operation is one round trip ({@code @OperationsPerInvocation(1000)}), so the score is
 * <b>round trips per second</b> ({@code ops/s}); {@code -bm avgt -tu us} gives microseconds per round
 * trip instead. TCP may split or merge, so the client counts bytes: a round trip ends when the
 * received total reaches the next multiple of {@value #MESSAGE}.
 *
 * <p>Server and connection are set up once per trial and stay open across invocations; only the
 * round trips are measured. No complete batch within 60 s, an error, or more bytes than were sent fails
 * the run with the connection's state in the message.
 *
 * <p><b>Rows.</b> Each peer's client is written the way its idiom writes a request/response loop:
 * <ul>
 *   <li>{@link #moirai}: the echo server is {@code conn.outbound(conn.inbound())}; the client's one
 *       long-lived {@code outbound} is fed by a Reactor unicast sink, and its inbound subscriber
 *       (requesting {@code Long.MAX_VALUE}) emits the next message into that sink from the I/O thread
 *       as soon as a message has come back. The JMH thread emits the first message of each batch
 *       and then waits for the batch. Messages are {@code duplicate()}s of one 64-byte direct buffer.
 *   <li>{@link #reactorNetty}: the echo server is {@code out.send(in.receive().retain())}; the client's
 *       one long-lived {@code conn.outbound().send(sink.asFlux(), buf -> true)} (flush after every
 *       message) is fed by a Reactor unicast sink, and its {@code inbound().receive()} subscriber emits
 *       the next message from the event loop when a message has come back. Messages are
 *       {@code retainedDuplicate()}s of one 64-byte direct {@code ByteBuf}.
 *   <li>{@link #blockingSockets}: a server thread per connection echoes what it reads; the JMH thread
 *       is the client: {@code write(64 bytes)}, read until 64 bytes, repeat.
 * </ul>
 *
 * <p><b>Fairness and what differs.</b> {@code TCP_NODELAY} is on for every peer: reactor-netty and
 * Moirai's core set it on each connection, and the blocking sockets set it here.
 * In the Moirai and reactor-netty rows the whole batch runs on I/O threads and the JMH thread is
 * woken once per batch; in the blocking row the two ends are two threads that each block and wake
 * once per round trip. Thread placement matters a lot here: with {@code ioThreads=1} (the reference
 * Moirai row) both ends of the connection are served by one I/O thread, so a round trip needs no
 * thread wake-up at all, while reactor-netty's default resources ({@code nettyLoops=default}: 4
 * event loops here) put client and server on two loops that wake each other (16-55 k round trips/s
 * against 41-77 k/s on one loop in trial runs: the gap depends on how fast a parked vCPU wakes). Each
 * peer therefore also gets a row with the other
 * placement: {@code nettyLoops=1} runs reactor-netty on one dedicated event loop shared by both ends
 * (the placement of Moirai's {@code ioThreads=1}) and {@code ioThreads=2} gives Moirai two I/O
 * threads. Compare like with like and say which rows a ratio uses; do not mix placements in one
 * ratio. Moirai gets {@code workerThreads(n)} ({@code workers}, default {@code auto}). All rows run
 * in one JMH invocation with the same JVM flags.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(TcpPingPongBenchmark.ROUND_TRIPS)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
public class TcpPingPongBenchmark {

    /** Message size in bytes. */
    static final int MESSAGE = 64;

    /** Round trips per invocation, and operations per invocation. */
    static final int ROUND_TRIPS = 1_000;

    // ---------------------------------------------------------------- Moirai

    /** Moirai server and client on one runtime; see the class documentation. */
    @State(Scope.Benchmark)
    public static class MoiraiPingPong {
        /** Compute workers: {@code auto} (available processors) or a positive count. */
        @Param(BenchSupport.AUTO)
        public String workers;

        /** I/O threads; 1 puts both ends on one thread. */
        @Param({"1", "2"})
        public int ioThreads;

        private TcpSupport.MoiraiPair pair;
        private ByteCounter counter;
        private ByteBuffer message;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            message = TcpSupport.directBuffer(TcpSupport.pattern(MESSAGE));
            counter = new ByteCounter(MESSAGE, this::sendNext);
            pair = new TcpSupport.MoiraiPair(workers, ioThreads, counter, pooled());
        }

        /** Sends one message; on the I/O thread (from the inbound subscriber) or the JMH thread. */
        void sendNext() {
            try {
                pair.client.send(message.duplicate());
            } catch (RuntimeException e) {
                counter.fail(e);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (pair != null) {
                pair.close();
            }
        }

        String state() {
            return pair.state();
        }

        /** @return whether both ends use {@code receive}/{@code send} (pooled buffers) */
        boolean pooled() {
            return false;
        }
    }

    /** As {@link MoiraiPingPong}, both ends on {@code receive()}/{@code send()}: pooled direct buffers, no copy. */
    @State(Scope.Benchmark)
    public static class MoiraiPingPongPooled extends MoiraiPingPong {
        @Override
        boolean pooled() {
            return true;
        }
    }

    /** Moirai: send the first message, let the I/O thread play the other 999 round trips, wait. */
    @Benchmark
    public void moirai(MoiraiPingPong s) {
        ByteCounter.Goal done = s.counter.expect((long) ROUND_TRIPS * MESSAGE);
        s.sendNext();
        s.counter.await(done, s::state);
    }

    /** As {@link #moirai}, with {@code send(receive())} at the server and {@code receive}/{@code send} at the client. */
    @Benchmark
    public void moiraiReceiveSend(MoiraiPingPongPooled s) {
        moirai(s);
    }

    // ---------------------------------------------------------------- reactor-netty

    /** reactor-netty server and client; see the class documentation. */
    @State(Scope.Benchmark)
    public static class NettyPingPong {
        /** {@code default} (reactor-netty's global resources) or a dedicated event loop count. */
        @Param({TcpSupport.NETTY_DEFAULT_LOOPS, "1"})
        public String nettyLoops;

        private LoopResources loops;
        private DisposableServer server;
        private Connection client;
        private ByteCounter counter;
        private ByteBuf message;
        private final Sinks.Many<ByteBuf> sink = Sinks.many().unicast().onBackpressureBuffer();

        @Setup(Level.Trial)
        public void setUp() {
            message = TcpSupport.directByteBuf(TcpSupport.pattern(MESSAGE));
            loops = TcpSupport.nettyLoops(nettyLoops);
            server = TcpSupport.nettyEchoServer(loops);
            counter = new ByteCounter(MESSAGE, this::sendNext);
            client = TcpSupport.nettyClient(server, loops, counter);
            client.outbound()
                    .send(sink.asFlux(), buf -> true)
                    .then()
                    .subscribe(null, counter::fail);
        }

        /**
         * Sends one message; on the event loop (from the inbound subscriber) or the JMH thread.
         * Busy-loops on {@code FAIL_NON_SERIALIZED}, the event loop's emission racing with the JMH
         * thread still returning from its own.
         */
        void sendNext() {
            try {
                sink.emitNext(message.retainedDuplicate(), Sinks.EmitFailureHandler.busyLooping(TcpSupport.TIMEOUT));
            } catch (RuntimeException e) {
                counter.fail(e);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            sink.tryEmitComplete();
            TcpSupport.closeNetty(client, server, loops);
            if (message != null) {
                message.release();
            }
        }

        String state() {
            return "client " + client.channel() + ", server " + server.channel();
        }
    }

    /** reactor-netty: send the first message, let the event loop play the other 999 round trips, wait. */
    @Benchmark
    public void reactorNetty(NettyPingPong s) {
        ByteCounter.Goal done = s.counter.expect((long) ROUND_TRIPS * MESSAGE);
        s.sendNext();
        s.counter.await(done, s::state);
    }

    // ---------------------------------------------------------------- blocking sockets

    /** Blocking sockets, a server thread per connection; the JMH thread is the client. */
    @State(Scope.Benchmark)
    public static class BlockingPingPong {
        private BlockingEchoServer server;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private final byte[] message = TcpSupport.pattern(MESSAGE);
        private final byte[] readBuffer = new byte[MESSAGE];

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            server = new BlockingEchoServer();
            socket = TcpSupport.blockingClient(server.address());
            server.acceptOne();
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            if (socket != null) {
                socket.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    /** Blocking sockets: 1000 x (write 64 bytes, read 64 bytes) on the JMH thread. */
    @Benchmark
    public void blockingSockets(BlockingPingPong s) throws IOException {
        try {
            for (int i = 0; i < ROUND_TRIPS; i++) {
                s.out.write(s.message);
                TcpSupport.readFully(s.in, s.readBuffer, MESSAGE);
            }
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "; " + s.server.state(), e);
        }
    }
}

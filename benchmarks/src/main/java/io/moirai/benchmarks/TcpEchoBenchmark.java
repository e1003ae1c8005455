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
import java.util.concurrent.Semaphore;
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
import reactor.core.publisher.Flux;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;

/**
 * TCP echo throughput over loopback: one connection, one echo server; each invocation the client
 * writes {@value #MIB_PER_INVOCATION} MiB in {@value #CHUNK}-byte buffers and waits until all of it
 * has come back. Reported as <b>MiB per second of payload echoed</b>: one JMH operation is one MiB
 * ({@code @OperationsPerInvocation(64)}, throughput mode, {@code ops/s}), so the score in
 * {@code ops/s} <em>is</em> MiB/s (divide by 1024 for GiB/s; each MiB crosses the loopback twice, out
 * and back). Send and receive overlap: the client keeps writing while the echo streams back, so
 * this is the steady-state throughput of the client's writes, the server's read-and-write loop and
 * the client's reads together, not a sum of round trips.
 *
 * <p>The server and the connection are set up once per trial ({@code @Setup(Level.Trial)}) and stay
 * open across invocations, so connection set-up is never measured, only the transfer. The client
 * counts bytes, never buffers (TCP splits and merges writes); more bytes than were sent, an error on
 * either side, or no complete echo within 60 s fails the run with the connection's state in the
 * message, so a hang is reported instead of producing a number.
 *
 * <p><b>Rows.</b>
 * <ul>
 *   <li>{@link #moirai}: a {@code TcpListener} whose server answers each connection with
 *       {@code conn.outbound(conn.inbound())}; the client is a {@code TcpConnection} whose inbound
 *       subscriber requests {@code Long.MAX_VALUE} and counts, and whose one long-lived
 *       {@code outbound} (a connection takes one) is a Reactor
 *       {@code Sinks.many().unicast().onBackpressureBuffer()}: each invocation the JMH thread emits
 *       {@value #CHUNKS} {@code duplicate()}s of one 64 KiB direct buffer, which Moirai requests and
 *       writes one at a time. Runtime: {@code workerThreads(n)} and {@code ioThreads(1)} (reference) or 2.
 *   <li>{@link #reactorNetty}: a reactor-netty {@code TcpServer} with the documented echo handler
 *       {@code out.send(in.receive().retain())}; a {@code TcpClient.newConnection()} connection whose
 *       {@code inbound().receive()} is counted (reactor-netty releases each buffer after
 *       {@code onNext}); each invocation sends
 *       {@code Flux.range(0, 1024).map(i -> payload.retainedDuplicate())} of one 64 KiB direct
 *       {@code ByteBuf} with {@code conn.outbound().send(..)}, and waits for both that send and the
 *       echo.
 *   <li>{@link #blockingSockets}: {@code java.net.ServerSocket}/{@code Socket}, a thread per
 *       connection: the server thread reads up to 64 KiB and writes back what it read; the client
 *       has a long-lived writer thread that writes the 1024 chunks from one {@code byte[]} when the
 *       JMH thread releases it, while the JMH thread reads the echo with a 64 KiB buffer.
 * </ul>
 *
 * <p><b>Fairness.</b> Every peer writes straight from one preallocated payload (Moirai and Netty
 * from a direct buffer, no copy per send; the blocking socket from a {@code byte[]}, which the JDK
 * copies into its own direct buffer, as every blocking-socket user's writes are copied), and every
 * peer's receiving side allocates or pools its buffers as its idiom does. Moirai gets
 * {@code workerThreads(n)} ({@code workers}, default {@code auto} = available processors) and
 * {@code ioThreads} I/O threads. reactor-netty's reference row ({@code nettyLoops=default}) runs on
 * its defaults: its global {@code TcpResources}, {@code max(availableProcessors, 4)} = 4 event loops
 * here, native epoll transport, {@code TCP_NODELAY} on (Moirai's core and the blocking rows set it too); the server's and client's channels each live
 * on one loop, usually two different loops. With {@code ioThreads=1} (the reference Moirai row)
 * Moirai serves <em>both</em> ends of the connection on one I/O thread. Because thread placement
 * changes the figures, each peer also gets a row with the other placement: {@code ioThreads=2}
 * (each end may get its own I/O thread) and {@code nettyLoops=1} (one dedicated event loop shared by
 * server and client, {@code LoopResources.create("bench-netty", 1, true)}); compare like with like
 * and say which rows a ratio uses. The blocking row uses three threads (server echo, client writer, JMH
 * reader). Socket buffer sizes are the OS defaults for all peers. All rows run in one JMH
 * invocation with the same JVM flags; warm-up is 10 x 1 s because an invocation is 50-100 ms and the
 * JIT of the I/O paths takes several iterations.
 *
 * <p><b>Reference.</b> the reference figures in METHOD.md give 0.85-1.46 GiB/s for reactor-netty and 0.97-1.54 GiB/s
 * for blocking sockets on this kind of machine (870-1500 and 990-1580 in this table's MiB/s).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(TcpEchoBenchmark.MIB_PER_INVOCATION)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
public class TcpEchoBenchmark {

    /** Payload echoed per invocation, in MiB; also the operations per invocation (one op = one MiB). */
    static final int MIB_PER_INVOCATION = 64;

    /** Size of each buffer the client writes: 64 KiB. */
    static final int CHUNK = 64 * 1024;

    /** Payload echoed per invocation, in bytes. */
    static final long TOTAL = MIB_PER_INVOCATION * 1024L * 1024L;

    /** Buffers written per invocation: 1024. */
    static final int CHUNKS = (int) (TOTAL / CHUNK);

    // ---------------------------------------------------------------- Moirai

    /** Moirai server and client on one runtime; see the class documentation. */
    @State(Scope.Benchmark)
    public static class MoiraiEcho {
        /** Compute workers: {@code auto} (available processors) or a positive count. */
        @Param(BenchSupport.AUTO)
        public String workers;

        /** I/O threads (each a selector and a timer wheel); 1 puts both ends on one thread. */
        @Param({"1", "2"})
        public int ioThreads;

        private TcpSupport.MoiraiPair pair;
        private ByteCounter counter;
        private ByteBuffer payload;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            counter = new ByteCounter();
            pair = new TcpSupport.MoiraiPair(workers, ioThreads, counter, pooled());
            payload = TcpSupport.directBuffer(TcpSupport.pattern(CHUNK));
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

    /** As {@link MoiraiEcho}, both ends on {@code receive()}/{@code send()}: pooled direct buffers, no copy. */
    @State(Scope.Benchmark)
    public static class MoiraiEchoPooled extends MoiraiEcho {
        @Override
        boolean pooled() {
            return true;
        }
    }

    /** Moirai: emit 1024 x 64 KiB into the client's outbound sink, wait until 64 MiB came back. */
    @Benchmark
    public void moirai(MoiraiEcho s) {
        ByteCounter.Goal echoed = s.counter.expect(TOTAL);
        for (int i = 0; i < CHUNKS; i++) {
            s.pair.client.send(s.payload.duplicate());
        }
        s.counter.await(echoed, s::state);
    }

    /** As {@link #moirai}, with {@code send(receive())} at the server and {@code receive}/{@code send} at the client. */
    @Benchmark
    public void moiraiReceiveSend(MoiraiEchoPooled s) {
        moirai(s);
    }

    // ---------------------------------------------------------------- reactor-netty

    /** reactor-netty server and client; see the class documentation. */
    @State(Scope.Benchmark)
    public static class NettyEcho {
        /** {@code default} (reactor-netty's global resources) or a dedicated event loop count. */
        @Param({TcpSupport.NETTY_DEFAULT_LOOPS, "1"})
        public String nettyLoops;

        private LoopResources loops;
        private DisposableServer server;
        private Connection client;
        private ByteCounter counter;
        private ByteBuf payload;

        @Setup(Level.Trial)
        public void setUp() {
            loops = TcpSupport.nettyLoops(nettyLoops);
            server = TcpSupport.nettyEchoServer(loops);
            counter = new ByteCounter();
            client = TcpSupport.nettyClient(server, loops, counter);
            payload = TcpSupport.directByteBuf(TcpSupport.pattern(CHUNK));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            TcpSupport.closeNetty(client, server, loops);
            if (payload != null) {
                payload.release();
            }
        }

        String state() {
            return "client " + client.channel() + ", server " + server.channel();
        }
    }

    /** reactor-netty: send 1024 retained duplicates of a 64 KiB buffer, wait for the send and the echo. */
    @Benchmark
    public void reactorNetty(NettyEcho s) {
        ByteCounter.Goal echoed = s.counter.expect(TOTAL);
        ByteBuf payload = s.payload;
        TcpSupport.await(s.client.outbound()
                .send(Flux.range(0, CHUNKS).map(i -> payload.retainedDuplicate()))
                .then()
                .toFuture(), s::state);
        s.counter.await(echoed, s::state);
    }

    // ---------------------------------------------------------------- blocking sockets

    /** Blocking sockets, a thread per connection; see the class documentation. */
    @State(Scope.Benchmark)
    public static class BlockingEcho {
        private BlockingEchoServer server;
        private Socket socket;
        private InputStream in;
        private Thread writer;
        private final Semaphore writes = new Semaphore(0);
        private volatile Throwable writeFailure;
        private final byte[] payload = TcpSupport.pattern(CHUNK);
        private final byte[] readBuffer = new byte[CHUNK];

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            server = new BlockingEchoServer();
            socket = TcpSupport.blockingClient(server.address());
            server.acceptOne();
            in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            writer = new Thread(() -> write(out), "bench-blocking-writer");
            writer.setDaemon(true);
            writer.start();
        }

        /** The client's writer thread: 64 MiB per permit, until the socket closes. */
        private void write(OutputStream out) {
            try {
                while (true) {
                    writes.acquire();
                    for (int i = 0; i < CHUNKS; i++) {
                        out.write(payload);
                    }
                }
            } catch (InterruptedException e) {
                // tear-down
            } catch (IOException | RuntimeException e) {
                if (!socket.isClosed()) {
                    writeFailure = e;
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            if (writer != null) {
                writer.interrupt();
            }
            if (socket != null) {
                socket.close();
            }
            if (server != null) {
                server.close();
            }
        }

        String state() {
            return "writer " + (writeFailure == null ? "ok" : "failed: " + writeFailure) + "; " + server.state();
        }
    }

    /** Blocking sockets: release the writer thread for 64 MiB, read 64 MiB of echo on the JMH thread. */
    @Benchmark
    public long blockingSockets(BlockingEcho s) throws IOException {
        s.writes.release();
        long received = 0;
        try {
            while (received < TOTAL) {
                int n = s.in.read(s.readBuffer, 0, (int) Math.min(CHUNK, TOTAL - received));
                if (n < 0) {
                    throw new IOException("end of stream after " + received + " of " + TOTAL + " bytes");
                }
                received += n;
            }
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "; " + s.state(), e);
        }
        return received;
    }
}

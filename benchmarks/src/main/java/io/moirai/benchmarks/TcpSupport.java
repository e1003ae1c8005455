package io.moirai.benchmarks;

import io.moirai.Moirai;
import io.moirai.net.NetBuffer;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.task.TaskHandle;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * The pieces the TCP suites share: an echo server and a client connection for each peer (Moirai,
 * reactor-netty, blocking {@code java.net.Socket}), and a byte counter that tells the JMH thread
 * when the bytes it expects have come back. Everything runs on the loopback interface. Used from
 * JMH's {@code @Setup}/{@code @TearDown} methods and from the benchmark methods (one JMH thread);
 * the counter is also called from the peers' I/O threads.
 */
final class TcpSupport {

    /**
     * How long the JMH thread waits for an echo before failing the run: far above any real
     * transfer here (64 MiB takes well under a second), so hitting it means a hang, not slowness.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The value of the {@code nettyLoops} parameter that keeps reactor-netty's own default resources. */
    static final String NETTY_DEFAULT_LOOPS = "default";

    /** Read buffer of the blocking echo server: 64 KiB, the chunk size of the echo suite. */
    private static final int BLOCKING_ECHO_BUFFER = 64 * 1024;

    private TcpSupport() {}

    /** @return the loopback address with port 0 (the OS picks a free port) */
    static InetSocketAddress anyLoopbackPort() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** @return {@code size} bytes of a fixed non-zero pattern */
    static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    /**
     * @return a direct buffer holding {@code bytes}, position 0; callers send {@code duplicate()}s of
     *     it, so the bytes are written straight from this one buffer, never copied per send
     */
    static ByteBuffer directBuffer(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).flip();
        return buffer;
    }

    /**
     * @return a direct Netty buffer holding {@code bytes}; callers send {@code retainedDuplicate()}s
     *     of it (reactor-netty releases every buffer it writes), so it too is never copied per send
     */
    static ByteBuf directByteBuf(byte[] bytes) {
        return Unpooled.directBuffer(bytes.length, bytes.length).writeBytes(bytes);
    }

    /**
     * Waits for {@code future}; a failure or a wait longer than {@link #TIMEOUT} fails the benchmark
     * with {@code state} in the message, so a hang or a broken connection is reported precisely
     * instead of stalling the run.
     */
    static void await(CompletableFuture<?> future, Supplier<String> state) {
        try {
            future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no echo within " + TIMEOUT + ": " + state.get());
        } catch (ExecutionException e) {
            throw new IllegalStateException("transfer failed: " + state.get(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + state.get(), e);
        }
    }

    // ---------------------------------------------------------------- byte counting

    /**
     * Counts the bytes a client receives (TCP may split and merge writes, so bytes are counted, never
     * buffers) and completes a goal when a byte total is reached. The JMH thread sets a goal with
     * {@link #expect(long)} before it sends; the client's I/O thread calls {@link #add(long)} for each
     * buffer received. With a message size above 1, {@code add} calls the {@code next} action each time
     * the total reaches a message boundary below the goal: that is how the ping-pong client sends its
     * next message from its I/O thread as soon as the previous one came back.
     *
     * <p>More bytes than were sent fail the goal (a duplicated buffer would otherwise pass as a fast
     * transfer). The goal object carries its own target, so an {@code add} racing with a new
     * {@code expect} cannot complete the new goal with the old target.
     */
    static final class ByteCounter {
        private final int messageSize;
        private final Runnable next;
        private final AtomicLong received = new AtomicLong();
        private volatile Goal goal = new Goal(0);
        private volatile Throwable failure;
        /** The cumulative bytes expected; written by the JMH thread only. */
        private long expected;

        /**
         * @param messageSize the message size for {@code next}, or 1 when there is no {@code next}
         * @param next what to do at a message boundary before the goal; may be null
         */
        ByteCounter(int messageSize, Runnable next) {
            this.messageSize = messageSize;
            this.next = next;
        }

        /** A counter for a bulk transfer: no message boundaries, no {@code next}. */
        ByteCounter() {
            this(1, null);
        }

        /** The goal of one invocation: completes when the cumulative received total reaches {@link #bytes}. */
        static final class Goal extends CompletableFuture<Void> {
            final long bytes;

            Goal(long bytes) {
                this.bytes = bytes;
            }
        }

        /**
         * Called by the JMH thread before it sends.
         *
         * @param bytes how many more bytes must come back
         * @return the goal to wait for
         */
        Goal expect(long bytes) {
            Goal g = new Goal(expected += bytes);
            goal = g;
            Throwable f = failure; // read after publishing g: a concurrent fail() reaches g one way or the other
            if (f != null) {
                g.completeExceptionally(f);
            }
            return g;
        }

        /** Called on the client's I/O thread with the size of each buffer received. */
        void add(long n) {
            long total = received.addAndGet(n);
            if (total % messageSize != 0) {
                return; // part of a message: wait for the rest
            }
            Goal g = goal;
            if (total == g.bytes) {
                g.complete(null);
            } else if (total > g.bytes) {
                fail(new IllegalStateException("received " + total + " bytes, only " + g.bytes + " were sent"));
            } else if (next != null) {
                next.run();
            }
        }

        /** Fails the current goal and every later one. */
        void fail(Throwable error) {
            failure = error;
            goal.completeExceptionally(error);
        }

        /** Waits for {@code g}; see {@link TcpSupport#await}. */
        void await(Goal g, Supplier<String> state) {
            TcpSupport.await(g, () -> "received " + received.get() + " of " + g.bytes + " bytes; " + state.get());
        }
    }

    /**
     * A Moirai inbound subscriber that requests everything ({@code Long.MAX_VALUE}, as a counting
     * consumer does) and feeds the sizes to a {@link ByteCounter}. End of stream before the goal is a
     * failure.
     */
    static final class CountingSubscriber<T> implements Subscriber<T> {
        private final ByteCounter counter;
        private final ToIntFunction<T> size;
        private final Consumer<T> done;

        /** Counts {@code inbound()} buffers, which the subscriber owns and leaves to the garbage collector. */
        static CountingSubscriber<ByteBuffer> ofInbound(ByteCounter counter) {
            return new CountingSubscriber<>(counter, ByteBuffer::remaining, b -> { });
        }

        /** Counts {@code receive()} buffers and releases each, as their owner must. */
        static CountingSubscriber<NetBuffer> ofReceive(ByteCounter counter) {
            return new CountingSubscriber<>(counter, b -> b.data().remaining(), NetBuffer::release);
        }

        private CountingSubscriber(ByteCounter counter, ToIntFunction<T> size, Consumer<T> done) {
            this.counter = counter;
            this.size = size;
            this.done = done;
        }

        @Override
        public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(T buffer) {
            int n = size.applyAsInt(buffer);
            done.accept(buffer);
            counter.add(n);
        }

        @Override
        public void onError(Throwable error) {
            counter.fail(error);
        }

        @Override
        public void onComplete() {
            counter.fail(new EOFException("inbound completed: the server closed the connection"));
        }
    }

    // ---------------------------------------------------------------- Moirai

    /**
     * The Moirai echo server: a listener whose subscriber requests every connection and answers each
     * with {@code conn.outbound(conn.inbound())}, or with {@code conn.send(conn.receive())} when
     * {@code pooled} (pooled direct buffers, no copy): the input publisher itself is the output's
     * data, so a buffer is read only when the previous one was written (backpressure end to end).
     */
    static final class MoiraiEchoServer implements AutoCloseable {
        private final TcpListener listener;
        private final Queue<TcpConnection> connections = new ConcurrentLinkedQueue<>();
        private volatile Throwable failure;
        private volatile boolean closing;

        MoiraiEchoServer(Moirai moirai, boolean pooled) throws IOException {
            listener = TcpListener.bind(moirai, anyLoopbackPort());
            listener.connections().subscribe(new Subscriber<TcpConnection>() {
                @Override
                public void onSubscribe(Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(TcpConnection connection) {
                    connections.add(connection);
                    TaskHandle<Void> echo = pooled
                            ? connection.send(connection.receive())
                            : connection.outbound(connection.inbound());
                    echo.toCompletableFuture().whenComplete((done, error) -> {
                        if (error != null && !closing) {
                            failure = error;
                        }
                    });
                }

                @Override
                public void onError(Throwable error) {
                    if (!closing) {
                        failure = error;
                    }
                }

                @Override
                public void onComplete() {}
            });
        }

        InetSocketAddress address() {
            return listener.localAddress();
        }

        /** @return what the server knows, for failure messages */
        String state() {
            return "server " + connections + (failure == null ? "" : ", server echo failed: " + failure);
        }

        @Override
        public void close() {
            closing = true;
            listener.close();
            connections.forEach(TcpConnection::close);
        }
    }

    /**
     * The Moirai side of a TCP suite: a runtime, an echo server on it and a client connected to it,
     * opened once per trial and closed after it. Used by one JMH state object at a time.
     */
    static final class MoiraiPair implements AutoCloseable {
        final Moirai moirai;
        final MoiraiEchoServer server;
        final MoiraiClient client;

        /**
         * @param workers the {@code workers} parameter ({@code auto} or a count)
         * @param ioThreads I/O threads of the runtime
         * @param counter counts the bytes the client receives
         * @param pooled both ends use {@code receive}/{@code send} (pooled buffers, no copy) instead of
         *     {@code inbound}/{@code outbound}
         */
        MoiraiPair(String workers, int ioThreads, ByteCounter counter, boolean pooled) throws Exception {
            moirai = BenchSupport.newMoirai(BenchSupport.workers(workers), ioThreads);
            try {
                server = new MoiraiEchoServer(moirai, pooled);
                client = new MoiraiClient(moirai, server.address(), counter, pooled);
            } catch (Exception | Error e) {
                BenchSupport.shutdown(moirai); // closes whatever was opened on it
                throw e;
            }
        }

        @Override
        public void close() {
            client.close();
            server.close();
            BenchSupport.shutdown(moirai);
        }

        String state() {
            return client.state() + "; " + server.state() + "; " + moirai.metrics();
        }
    }

    /**
     * A Moirai client connection whose input goes to a {@link CountingSubscriber} and whose output is
     * one long-lived {@code outbound} (a connection takes one) fed from a Reactor unicast sink: the
     * JMH thread (or the I/O thread, for the ping-pong) emits buffers into the sink, and Moirai requests
     * them from the sink one at a time as it writes them.
     */
    static final class MoiraiClient implements AutoCloseable {
        private final TcpConnection connection;
        private final Sinks.Many<ByteBuffer> sink = Sinks.many().unicast().onBackpressureBuffer();
        private final TaskHandle<Void> outbound;

        MoiraiClient(Moirai moirai, InetSocketAddress server, ByteCounter counter, boolean pooled) throws Exception {
            connection = TcpConnection.connect(moirai, server).join(TIMEOUT);
            if (pooled) {
                connection.receive().subscribe(CountingSubscriber.ofReceive(counter));
                outbound = connection.send(sink.asFlux().map(NetBuffer::wrap));
            } else {
                connection.inbound().subscribe(CountingSubscriber.ofInbound(counter));
                outbound = connection.outbound(sink.asFlux());
            }
            outbound.toCompletableFuture().whenComplete((done, error) -> {
                if (error != null) {
                    counter.fail(error);
                }
            });
        }

        /**
         * Emits one buffer. Busy-loops on {@code FAIL_NON_SERIALIZED}: in the ping-pong, the I/O thread
         * may emit the next message while the JMH thread is still returning from emitting the first.
         */
        void send(ByteBuffer buffer) {
            sink.emitNext(buffer, Sinks.EmitFailureHandler.busyLooping(TIMEOUT));
        }

        String state() {
            return "client " + connection + ", outbound " + (outbound.isFinished() ? outbound.tryJoin() : "running");
        }

        @Override
        public void close() {
            sink.tryEmitComplete();
            connection.close();
        }
    }

    // ---------------------------------------------------------------- reactor-netty

    /**
     * @param nettyLoops {@value #NETTY_DEFAULT_LOOPS} for reactor-netty's global default resources
     *     ({@code max(availableProcessors, 4)} event loops, native epoll where available), or an event
     *     loop count
     * @return dedicated loop resources, or {@code null} for the defaults
     */
    static LoopResources nettyLoops(String nettyLoops) {
        if (NETTY_DEFAULT_LOOPS.equals(nettyLoops)) {
            return null;
        }
        int n = Integer.parseInt(nettyLoops);
        if (n < 1) {
            throw new IllegalArgumentException("nettyLoops must be 'default' or at least 1, got " + nettyLoops);
        }
        return LoopResources.create("bench-netty", n, true);
    }

    /** The reactor-netty echo server in its documented form: {@code out.send(in.receive().retain())}. */
    static DisposableServer nettyEchoServer(LoopResources loops) {
        TcpServer server = TcpServer.create()
                .host(InetAddress.getLoopbackAddress().getHostAddress())
                .port(0)
                .handle((in, out) -> out.send(in.receive().retain()));
        if (loops != null) {
            server = server.runOn(loops);
        }
        return server.bindNow(TIMEOUT);
    }

    /**
     * A reactor-netty client connection (not pooled) whose input is counted: every received
     * {@code ByteBuf}'s readable bytes go to {@code counter}; reactor-netty releases the buffer after
     * {@code onNext}.
     */
    static Connection nettyClient(DisposableServer server, LoopResources loops, ByteCounter counter) {
        TcpClient client = TcpClient.newConnection()
                .host(InetAddress.getLoopbackAddress().getHostAddress())
                .port(server.port());
        if (loops != null) {
            client = client.runOn(loops);
        }
        Connection connection = client.connectNow(TIMEOUT);
        connection.inbound().receive().subscribe(
                buf -> counter.add(buf.readableBytes()),
                counter::fail,
                () -> counter.fail(new EOFException("inbound completed: the server closed the connection")));
        return connection;
    }

    /** Closes a reactor-netty client, server and dedicated loops, whichever exist. */
    static void closeNetty(Connection client, DisposableServer server, LoopResources loops) {
        if (client != null) {
            client.disposeNow(TIMEOUT);
        }
        if (server != null) {
            server.disposeNow(TIMEOUT);
        }
        if (loops != null) {
            loops.disposeLater().block(TIMEOUT);
        }
        // reactor-netty's global default resources are left alone: the forked JVM ends after the trial.
    }

    // ---------------------------------------------------------------- blocking sockets

    /**
     * The blocking echo server, thread per connection: {@link #acceptOne()} accepts a connection
     * (whose handshake the kernel already completed) and starts a thread that reads up to 64 KiB and
     * writes back what it read until end of stream. {@code TCP_NODELAY} is set, as reactor-netty does.
     */
    static final class BlockingEchoServer implements AutoCloseable {
        private final ServerSocket serverSocket;
        private final Queue<Socket> sockets = new ConcurrentLinkedQueue<>();
        private volatile Throwable failure;

        BlockingEchoServer() throws IOException {
            serverSocket = new ServerSocket();
            serverSocket.setReuseAddress(true);
            serverSocket.bind(anyLoopbackPort());
        }

        InetSocketAddress address() {
            return (InetSocketAddress) serverSocket.getLocalSocketAddress();
        }

        /** Accepts one pending connection and starts its echo thread. */
        void acceptOne() throws IOException {
            Socket socket = serverSocket.accept();
            socket.setTcpNoDelay(true);
            sockets.add(socket);
            Thread thread = new Thread(() -> echo(socket), "bench-blocking-echo");
            thread.setDaemon(true);
            thread.start();
        }

        private void echo(Socket socket) {
            byte[] buffer = new byte[BLOCKING_ECHO_BUFFER];
            try (InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
            } catch (SocketException e) {
                if (!serverSocket.isClosed()) {
                    failure = e;
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }

        String state() {
            return "blocking server" + (failure == null ? "" : ", echo thread failed: " + failure);
        }

        @Override
        public void close() throws IOException {
            serverSocket.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /**
     * @return a blocking client socket connected to {@code server}, with {@code TCP_NODELAY} and a read
     *     timeout of {@link #TIMEOUT} (so a lost echo fails the run instead of hanging it)
     */
    static Socket blockingClient(InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(server, (int) TIMEOUT.toMillis());
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        return socket;
    }

    /** Reads exactly {@code length} bytes into {@code buffer}, fails on end of stream. */
    static void readFully(InputStream in, byte[] buffer, int length) throws IOException {
        int got = 0;
        while (got < length) {
            int n = in.read(buffer, got, length - got);
            if (n < 0) {
                throw new EOFException("end of stream after " + got + " of " + length + " bytes");
            }
            got += n;
        }
    }
}

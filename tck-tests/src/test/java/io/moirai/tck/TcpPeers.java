package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.net.NetBuffer;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.task.TaskHandle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Test fixture of the TCP verifications: one Moirai runtime (two compute workers, one I/O thread),
 * a plain blocking {@link ServerSocket} on 127.0.0.1 that plays the peer of the connections Moirai
 * makes with {@link TcpConnection#connect}, and a pool of daemon "peer" threads that write, drain or
 * connect with plain blocking sockets. Using plain sockets for the peer side keeps it deterministic
 * and independent of the code under test. One instance per test class: create it in
 * {@code @BeforeClass}, call {@link #closeTestResources()} in {@code @AfterMethod} and {@link #close()}
 * in {@code @AfterClass}.
 *
 * <p>Every socket, connection and listener a test makes is recorded and closed by
 * {@link #closeTestResources()}, which also ends the peer threads working for that test (they block
 * only in socket calls, which fail once their socket is closed). Closing a connection or listener
 * that a TCK subscriber is still attached to (the TCK does not cancel every subscription it makes)
 * signals that subscriber, on the I/O thread, with {@code onError(ClosedChannelException)} or
 * {@code onComplete}, which the TCK records as an error of whatever test is running then. So
 * {@link #closeTestResources()} returns only once the I/O thread has delivered those signals: it
 * then waits for a {@link Moirai#delay} scheduled after the closes, and the runtime's single I/O
 * thread applies the closes it was asked for before it takes up the timer. The next test's
 * {@code setUp} then discards what the TCK recorded.
 *
 * <p>Threads: the factory methods are called by the TCK's test thread; the recorded resources are
 * kept in a concurrent queue because subscribers record accepted connections on the I/O threads.
 */
final class TcpPeers implements AutoCloseable {

    /** Longest a test waits for a connection to be set up; only a bug makes it wait this long. */
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(10);

    /** Streams of at most this many bytes are written in full before the publisher is handed out. */
    private static final int WRITTEN_UP_FRONT = 4096;

    /** Size of the chunks a peer thread writes longer streams in. */
    private static final int CHUNK = 8192;

    /** How many client connections a connector keeps ahead of the accepted ones (the backlog holds them). */
    private static final int CONNECT_AHEAD = 8;

    private final String name;
    private final Moirai moirai;
    private final ServerSocket peerServer;
    private final InetSocketAddress peerAddress;
    private final ExecutorService peerThreads;
    private final Queue<AutoCloseable> testResources = new ConcurrentLinkedQueue<>();

    /** @param name names the runtime's and the peer threads, for thread dumps */
    TcpPeers(String name) {
        this.name = name;
        // one I/O thread: see the class comment on closeTestResources
        this.moirai = Moirai.builder().workerThreads(2).ioThreads(1).threadNamePrefix("tck-" + name).build();
        AtomicInteger threads = new AtomicInteger();
        this.peerThreads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "tck-" + name + "-peer-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            this.peerServer = new ServerSocket();
            peerServer.setReuseAddress(true);
            peerServer.bind(new InetSocketAddress("127.0.0.1", 0), 64);
            peerServer.setSoTimeout((int) SETUP_TIMEOUT.toMillis());
            this.peerAddress = (InetSocketAddress) peerServer.getLocalSocketAddress();
        } catch (IOException e) {
            moirai.close();
            peerThreads.shutdownNow();
            throw new UncheckedIOException("cannot bind the peer server socket", e);
        }
    }

    // ---------------------------------------------------------------- TcpConnection.inbound

    /**
     * A connection's input of exactly {@code bytes} one-byte elements, then {@code onComplete}: the
     * peer writes {@code bytes} bytes and shuts its output down (FIN). Up to
     * {@value #WRITTEN_UP_FRONT} bytes are written, and the FIN sent, before this method returns, so
     * they already wait in the client's receive buffer when the TCK subscribes. Longer streams (the
     * TCK asks for {@code Integer.MAX_VALUE} elements once, §3.17) are written by a peer thread as the
     * reader's demand lets TCP flow control take them; that thread ends when the test closes the
     * socket.
     *
     * @param bytes the number of bytes, hence elements, of the stream
     * @return {@code connection.inbound(1)} of a fresh connection
     */
    Publisher<ByteBuffer> inbound(long bytes) {
        return peerWriting(bytes).connection().inbound(1);
    }

    /**
     * As {@link #inbound(long)}, through {@link TcpConnection#receive(int)}: {@code receive(1)}, so
     * every byte is one pooled {@link NetBuffer}. The TCK does not release what it receives, so those
     * buffers never go back to the pool, which then hands out heap buffers: the publisher keeps its
     * contract either way.
     *
     * @param bytes the bytes the peer writes before its FIN
     * @return the publisher under test
     */
    Publisher<NetBuffer> receive(long bytes) {
        return peerWriting(bytes).connection().receive(1);
    }

    /** @return a connection whose peer writes {@code bytes} bytes and then its FIN (see {@link #inbound(long)}) */
    private Ends peerWriting(long bytes) {
        Ends ends = connect();
        if (bytes <= WRITTEN_UP_FRONT) {
            try {
                writeThenShutdownOutput(ends.peer(), bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("the peer could not write " + bytes + " bytes", e);
            }
        } else {
            peerThreads.execute(() -> {
                try {
                    writeThenShutdownOutput(ends.peer(), bytes);
                } catch (IOException expected) {
                    // the test closed the socket while the reader had stopped reading
                }
            });
        }
        return ends;
    }

    /**
     * @return {@code connection.inbound(1)} of a connection that was closed before: per the
     *     {@link TcpConnection#inbound(int)} contract its subscriber gets {@code onSubscribe} then
     *     {@code onError(IllegalStateException)}
     */
    Publisher<ByteBuffer> inboundOfClosedConnection() {
        Ends ends = connect();
        ends.connection().close();
        return ends.connection().inbound(1);
    }

    /** @return {@code receive(1)} of a connection that was closed before: {@code onError(IllegalStateException)} */
    Publisher<NetBuffer> receiveOfClosedConnection() {
        Ends ends = connect();
        ends.connection().close();
        return ends.connection().receive(1);
    }

    // ---------------------------------------------------------------- TcpConnection.outbound

    /**
     * The subscriber that {@link TcpConnection#outbound} subscribes to its data, captured by a
     * publisher that only records it (the TCK then signals it directly or through its own publisher).
     * The peer reads and discards everything on a peer thread, so writes never stall.
     *
     * @return the outbound subscriber of a fresh connection
     */
    Subscriber<ByteBuffer> outboundSubscriber() {
        return outputSubscriber(TcpConnection::outbound);
    }

    /** @return the subscriber {@link TcpConnection#send} subscribes to its data, as {@link #outboundSubscriber()} */
    Subscriber<NetBuffer> sendSubscriber() {
        return outputSubscriber(TcpConnection::send);
    }

    @SuppressWarnings("unchecked")
    private <T> Subscriber<T> outputSubscriber(BiFunction<TcpConnection, Publisher<T>, TaskHandle<Void>> output) {
        Ends ends = connect();
        peerThreads.execute(() -> drain(ends.peer()));
        CompletableFuture<Subscriber<? super T>> captured = new CompletableFuture<>();
        TaskHandle<Void> written = output.apply(ends.connection(), subscriber -> captured.complete(subscriber));
        try {
            // a Subscriber<? super T> takes every T the TCK gives it
            return (Subscriber<T>) captured.get(SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("outbound(data) did not subscribe to data within " + SETUP_TIMEOUT
                    + " (handle finished: " + written.isFinished() + ", " + written.tryJoin() + ")", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    // ---------------------------------------------------------------- TcpListener.connections

    /**
     * The connections of a fresh listener, completing after exactly {@code count} of them: a peer
     * thread connects {@code count} plain client sockets, at most {@value #CONNECT_AHEAD} ahead of
     * the connections delivered so far (the others would only fill the backlog), and the publisher
     * handed out closes the listener from its subscriber as soon as the {@code count}-th connection
     * was delivered (with {@code count == 0}: right after {@code onSubscribe}). The
     * {@code onComplete} that follows is the listener's own answer to {@link TcpListener#close()}.
     * Apart from that, the wrapper passes everything through: {@code subscribe(null)} reaches the
     * listener's publisher, and the TCK's subscriber gets the listener's own subscription, so every
     * {@code request} and {@code cancel} goes to it directly.
     *
     * @param count the number of connections before completion
     * @return the listener's connections, completing after {@code count}
     */
    Publisher<TcpConnection> connections(long count) {
        TcpListener listener = bind();
        Connector connector = new Connector(listener, count);
        testResources.add(connector);
        if (count > 0) {
            peerThreads.execute(connector);
        }
        return new ClosingAfter(listener, count, connector);
    }

    /**
     * @return the connections of a listener whose {@link TcpListener#connections()} already has a
     *     subscriber (one that never requests): being unicast, it answers every further subscriber
     *     with {@code onSubscribe} then {@code onError(IllegalStateException)}
     */
    Publisher<TcpConnection> connectionsAlreadySubscribed() {
        TcpListener listener = bind();
        listener.connections().subscribe(new Subscriber<TcpConnection>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                // holds the connections without ever requesting one
            }

            @Override
            public void onNext(TcpConnection connection) {
                testResources.add(connection);
            }

            @Override
            public void onError(Throwable error) {
                // nothing to do: the listener ended
            }

            @Override
            public void onComplete() {
                // nothing to do: the listener was closed
            }
        });
        return listener.connections();
    }

    // ---------------------------------------------------------------- life cycle

    /**
     * Closes every socket, connection and listener made since the last call, then waits until the
     * I/O thread has delivered what the closes signal to subscribers still attached (see the class
     * comment).
     */
    void closeTestResources() {
        AutoCloseable resource;
        boolean closedAny = false;
        while ((resource = testResources.poll()) != null) {
            closedAny = true;
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("tck-" + name + ": closing " + resource + " failed: " + e);
            }
        }
        if (closedAny && !moirai.isShutdown()) {
            await(moirai.delay(Duration.ofMillis(1)), "the I/O thread's turn after closing the test's connections");
        }
    }

    /** Closes what the last test left, the peer server, the peer threads and the runtime. */
    @Override
    public void close() {
        closeTestResources();
        try {
            peerServer.close();
        } catch (IOException e) {
            System.err.println("tck-" + name + ": closing the peer server failed: " + e);
        }
        peerThreads.shutdownNow();
        try {
            if (!peerThreads.awaitTermination(SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("tck-" + name + ": peer threads still running after " + SETUP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            moirai.close();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The two ends of a connection: Moirai's client side and the plain peer socket it is connected to. */
    private record Ends(TcpConnection connection, Socket peer) {}

    /** Connects a Moirai client to the peer server and accepts it there; both ends are recorded. */
    private Ends connect() {
        TaskHandle<TcpConnection> pending = TcpConnection.connect(moirai, peerAddress);
        Socket peer;
        try {
            peer = peerServer.accept();
        } catch (IOException e) {
            pending.cancel();
            throw new UncheckedIOException("the peer server accepted no connection within " + SETUP_TIMEOUT, e);
        }
        testResources.add(peer);
        TcpConnection connection = await(pending, "TcpConnection.connect");
        testResources.add(connection);
        if (connection.localAddress().getPort() != peer.getPort()) {
            throw new AssertionError("the peer server accepted " + peer + ", not " + connection);
        }
        return new Ends(connection, peer);
    }

    private TcpListener bind() {
        try {
            TcpListener listener = TcpListener.bind(moirai, new InetSocketAddress("127.0.0.1", 0));
            testResources.add(listener);
            return listener;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T await(TaskHandle<T> handle, String what) {
        try {
            return handle.join(SETUP_TIMEOUT);
        } catch (TimeoutException e) {
            handle.cancel();
            throw new AssertionError(what + " did not finish within " + SETUP_TIMEOUT, e);
        }
    }

    /** Writes bytes 0, 1, 2, ... (mod 256), then shuts the output down so the reader sees end of stream. */
    private static void writeThenShutdownOutput(Socket peer, long bytes) throws IOException {
        OutputStream out = peer.getOutputStream();
        byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, bytes))];
        long written = 0;
        while (written < bytes) {
            int size = (int) Math.min(chunk.length, bytes - written);
            for (int i = 0; i < size; i++) {
                chunk[i] = (byte) (written + i);
            }
            out.write(chunk, 0, size);
            written += size;
        }
        out.flush();
        peer.shutdownOutput();
    }

    /** Reads and discards until end of stream or until the test closes the socket. */
    private static void drain(Socket peer) {
        byte[] sink = new byte[CHUNK];
        try {
            InputStream in = peer.getInputStream();
            while (in.read(sink) >= 0) {
                // discard
            }
        } catch (IOException expected) {
            // the test closed the socket
        }
    }

    /**
     * Connects {@code total} plain client sockets to a listener, one after the other, keeping at most
     * {@value #CONNECT_AHEAD} ahead of the connections the listener's subscriber has been given (a
     * test may ask for {@code Integer.MAX_VALUE} and stop after a few). Closing it stops it and
     * closes its sockets.
     *
     * <p>Threads: {@link #run()} runs on a peer thread; {@link #delivered} is called on an I/O
     * thread, {@link #close()} on the test thread; all state is guarded by {@code this}.
     */
    private final class Connector implements Runnable, AutoCloseable {
        private final TcpListener listener;
        private final InetSocketAddress address;
        private final long total;
        private final List<Socket> sockets = new ArrayList<>();
        private long delivered;
        private boolean closed;

        Connector(TcpListener listener, long total) {
            this.listener = listener;
            this.address = listener.localAddress();
            this.total = total;
        }

        synchronized void delivered(long count) {
            delivered = count;
            notifyAll();
        }

        @Override
        public void run() {
            for (long i = 0; i < total; i++) {
                Socket socket;
                synchronized (this) {
                    try {
                        while (!closed && i - delivered >= CONNECT_AHEAD) {
                            wait();
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (closed) {
                        return;
                    }
                    socket = new Socket();
                    sockets.add(socket);
                }
                try {
                    socket.connect(address, (int) SETUP_TIMEOUT.toMillis());
                } catch (IOException e) {
                    synchronized (this) {
                        if (!closed && listener.isOpen()) {
                            System.err.println("tck-" + name + ": client " + i + " of " + total
                                    + " could not connect to " + address + ": " + e);
                        }
                    }
                    return;
                }
            }
        }

        @Override
        public synchronized void close() {
            closed = true;
            notifyAll();
            for (Socket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        @Override
        public String toString() {
            return "Connector[" + address + ", " + total + "]";
        }
    }

    /**
     * The listener's connections, closing the listener from the subscriber once {@code count}
     * connections were delivered; see {@link #connections(long)}.
     */
    private final class ClosingAfter implements Publisher<TcpConnection> {
        private final TcpListener listener;
        private final Publisher<TcpConnection> source;
        private final long count;
        private final Connector connector;

        ClosingAfter(TcpListener listener, long count, Connector connector) {
            this.listener = listener;
            this.source = listener.connections();
            this.count = count;
            this.connector = connector;
        }

        @Override
        public void subscribe(Subscriber<? super TcpConnection> subscriber) {
            if (subscriber == null) {
                // §1.9: the listener's publisher must throw the NullPointerException itself
                source.subscribe(null);
                return;
            }
            source.subscribe(new Subscriber<TcpConnection>() {
                /** Connections delivered; only the listener's (serial, §1.3) signals touch it. */
                private long seen;

                @Override
                public void onSubscribe(Subscription subscription) {
                    subscriber.onSubscribe(subscription);
                    if (count == 0) {
                        listener.close();
                    }
                }

                @Override
                public void onNext(TcpConnection connection) {
                    testResources.add(connection);
                    seen++;
                    connector.delivered(seen);
                    subscriber.onNext(connection);
                    if (seen == count) {
                        listener.close();
                    }
                }

                @Override
                public void onError(Throwable error) {
                    subscriber.onError(error);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
        }

        @Override
        public String toString() {
            return "ClosingAfter[" + count + ", " + listener + "]";
        }
    }
}

package io.moirai.internal.net;

import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.io.IoDriver;
import io.moirai.internal.io.IoHandler;
import io.moirai.internal.io.LoopSubscription;
import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.task.PromiseTask;
import io.moirai.internal.util.VarHandles;
import io.moirai.task.TaskHandle;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * One TCP connection on one I/O driver: the socket, its inbound subscription (bytes read while
 * there is demand) and its outbound writer.
 *
 * <p><b>Threads and ownership.</b> The selection key, the interest set, reads and the inbound
 * subscriber's signals belong to the driver thread. Any thread may subscribe, request, cancel, call
 * {@link #outbound} or {@link #close}; those reach the driver as update bits ({@link IoHandler}).
 * Writes happen on the thread that delivers a buffer when the socket takes it whole at once, and on
 * the driver thread otherwise (see {@link Outbound}).
 *
 * <p><b>Ending.</b> {@link #close} and failures close the socket at once on the calling thread and
 * hand the ending to the driver ({@code CLOSE}), which deregisters the key, ends an active inbound
 * subscriber with the cause and fails an unfinished outbound handle. A connection whose input reached
 * end of stream and whose output was shut down closes itself.
 */
public final class SocketConnection extends IoHandler {

    static final int REGISTER = 1;
    static final int CONNECT = 1 << 1;
    static final int ATTACH_IN = 1 << 2;
    static final int READ = 1 << 3;
    static final int WRITE = 1 << 4;
    static final int CLOSE = 1 << 5;
    static final int OUTPUT_SHUT = 1 << 6;

    private static final VarHandle CLOSE_CAUSE = VarHandles.field(MethodHandles.lookup(), "closeCause", Throwable.class);
    private static final VarHandle IN_CLAIMED = VarHandles.field(MethodHandles.lookup(), "inClaimed", int.class);
    private static final VarHandle OUT_CLAIMED = VarHandles.field(MethodHandles.lookup(), "outClaimed", int.class);

    final SocketChannel channel;
    final ComputeScheduler scheduler;
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;
    @SuppressWarnings("unused") private volatile int inClaimed;
    @SuppressWarnings("unused") private volatile int outClaimed;
    /** Null while open; set once (CAS) to what unfinished sides end with: the close flag and its cause. */
    private volatile Throwable closeCause;
    private volatile Inbound inbound;
    private volatile Outbound outbound;
    /** Connect attempt (driver thread after CONNECT): where to, and whom to tell. */
    private InetSocketAddress connectTo;
    private Consumer<Throwable> connectDone;
    // driver thread
    private boolean deregistered;
    private boolean inputEnded;
    private boolean outputShut;

    SocketConnection(IoDriver driver, SocketChannel channel, ComputeScheduler scheduler) throws IOException {
        super(driver);
        this.channel = channel;
        this.scheduler = scheduler;
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    /** An accepted socket: registers it with its driver. */
    static SocketConnection accepted(IoDriver driver, SocketChannel channel, ComputeScheduler scheduler) throws IOException {
        SocketConnection c = new SocketConnection(driver, channel, scheduler);
        c.local = (InetSocketAddress) channel.getLocalAddress();
        c.remote = (InetSocketAddress) channel.getRemoteAddress();
        c.requestUpdate(REGISTER);
        return c;
    }

    /** Starts connecting on the driver; {@code done} gets null on success or the failure. */
    void connect(InetSocketAddress address, Consumer<Throwable> done) {
        this.remote = address;
        this.connectTo = address;
        this.connectDone = done;
        requestUpdate(REGISTER | CONNECT); // the queue publishes the fields above to the driver
    }

    // ------------------------------------------------------------------ API, any thread

    /** @return the local address, or null if unknown (not connected) */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** @return the peer's address */
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** @return whether the connection is still open */
    public boolean isOpen() {
        return closeCause == null;
    }

    /**
     * @param chunk the largest buffer to emit
     * @return a unicast publisher of the bytes read
     */
    public Publisher<ByteBuffer> inbound(int chunk) {
        return s -> subscribeInbound(s, chunk);
    }

    private void subscribeInbound(Subscriber<? super ByteBuffer> s, int chunk) {
        Subscriptions.requireSubscriber(s);
        if (!IN_CLAIMED.compareAndSet(this, 0, 1)) {
            Subscriptions.rejectSecondSubscriber(s, "TcpConnection.inbound()");
            return;
        }
        if (closeCause != null) {
            Subscriptions.error(s, new IllegalStateException("TcpConnection.inbound(): the connection is closed", closeCause));
            return;
        }
        Inbound in = new Inbound(this, s, chunk);
        inbound = in;
        try {
            s.onSubscribe(in);
        } catch (Throwable t) {
            in.cancel(); // §2.13
            driver.dropped().report(t);
        }
        requestUpdate(ATTACH_IN);
    }

    /**
     * @param data the buffers to write
     * @return the output's handle
     */
    public TaskHandle<Void> outbound(Publisher<ByteBuffer> data) {
        Outbound out = new Outbound(this);
        if (!OUT_CLAIMED.compareAndSet(this, 0, 1)) {
            out.handle.resolve(null, new IllegalStateException("TcpConnection.outbound() may be called once per connection"));
            return out.handle;
        }
        if (closeCause != null) {
            out.handle.resolve(null, new IllegalStateException("TcpConnection.outbound(): the connection is closed", closeCause));
            return out.handle;
        }
        outbound = out;
        try {
            data.subscribe(out);
        } catch (Throwable t) {
            out.onError(t); // §1.9 subscribe must not throw, but if it does the handle says so
        }
        if (closeCause != null) {
            out.end(closeCause); // raced with a close whose driver turn missed this output
        }
        return out.handle;
    }

    /** Closes the socket; signals go out on the driver thread. Any thread; idempotent. */
    public void close() {
        closeWith(new ClosedChannelException());
    }

    /**
     * Closes the socket because of {@code cause}, unless it is closed already. Any thread.
     *
     * @param cause what the unfinished sides end with
     */
    void closeWith(Throwable cause) {
        if (!CLOSE_CAUSE.compareAndSet(this, null, cause)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
        requestUpdate(CLOSE);
    }

    // ------------------------------------------------------------------ driver thread

    @Override
    protected void update(int bits) {
        if ((bits & REGISTER) != 0 && !deregistered) {
            try {
                key = driver.register(channel, 0, this);
            } catch (ClosedChannelException e) {
                closeWith(e); // no-op if a close came first
            }
        }
        if ((bits & CONNECT) != 0) {
            startConnect();
        }
        if ((bits & CLOSE) != 0) {
            ended();
        }
        if ((bits & ATTACH_IN) != 0) {
            Inbound in = inbound;
            in.attach();
            if (closeCause != null) {
                in.end(closeCause);
            }
        }
        if ((bits & READ) != 0) {
            Inbound in = inbound;
            if (in != null) {
                in.drain();
            }
        }
        if ((bits & WRITE) != 0) {
            Outbound out = outbound;
            if (out != null) {
                out.writeReady();
            }
        }
        if ((bits & OUTPUT_SHUT) != 0) {
            outputShutOnLoop();
        }
    }

    @Override
    protected void ready(int readyOps) {
        if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
            finishConnect();
            return;
        }
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            Inbound in = inbound;
            if (in != null) {
                in.drain();
            } else {
                interest(SelectionKey.OP_READ, false);
            }
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            Outbound out = outbound;
            if (out != null) {
                out.writeReady();
            } else {
                interest(SelectionKey.OP_WRITE, false);
            }
        }
    }

    private void startConnect() {
        try {
            if (channel.connect(connectTo)) {
                connected();
            } else {
                interest(SelectionKey.OP_CONNECT, true);
            }
        } catch (IOException | RuntimeException e) {
            connectFailed(e);
        }
    }

    private void finishConnect() {
        try {
            if (channel.finishConnect()) {
                interest(SelectionKey.OP_CONNECT, false);
                connected();
            }
        } catch (IOException | RuntimeException e) {
            connectFailed(e);
        }
    }

    private void connected() throws IOException {
        local = (InetSocketAddress) channel.getLocalAddress();
        remote = (InetSocketAddress) channel.getRemoteAddress();
        Consumer<Throwable> done = connectDone;
        connectDone = null;
        done.accept(null);
    }

    private void connectFailed(Exception e) {
        Consumer<Throwable> done = connectDone;
        connectDone = null;
        closeWith(e);
        if (done != null) {
            done.accept(e);
        }
    }

    /** The socket is closed: deregister once, end both sides with the cause. */
    private void ended() {
        if (!deregistered) {
            deregistered = true;
            if (key != null) {
                driver.deregister(key);
            }
        }
        Throwable cause = closeCause;
        Inbound in = inbound;
        if (in != null) {
            in.end(cause);
        }
        Outbound out = outbound;
        if (out != null) {
            out.end(cause);
        }
        Consumer<Throwable> done = connectDone;
        if (done != null) {
            connectDone = null;
            done.accept(cause);
        }
    }

    /** Input reached end of stream. */
    void inputEnded() {
        inputEnded = true;
        if (outputShut) {
            closeQuietly();
        }
    }

    /** Output was shut down after the last write (any thread: hands over to the driver). */
    void outputShut() {
        if (driver.inLoop()) {
            outputShutOnLoop();
        } else {
            requestUpdate(OUTPUT_SHUT);
        }
    }

    private void outputShutOnLoop() {
        outputShut = true;
        if (inputEnded) {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        closeWith(new ClosedChannelException()); // both sides are finished: nobody is signalled
    }

    void readInterest(boolean on) {
        interest(SelectionKey.OP_READ, on);
    }

    void writeInterest(boolean on) {
        interest(SelectionKey.OP_WRITE, on);
    }

    /** An I/O failure: close and let both sides know. Any thread. */
    void fail(IOException e) {
        closeWith(e);
    }

    @Override
    protected void shutdown(Throwable cause) {
        closeWith(cause);
        if (closeCause != null) {
            ended(); // on the driver thread: end both sides now, the driver is going away
        }
    }

    @Override
    protected void failed(Throwable error) {
        closeWith(error);
        driver.dropped().report(error);
    }

    @Override
    public String toString() {
        return "local=" + local + ", remote=" + remote + (closeCause != null ? ", closed" : "");
    }

    // ------------------------------------------------------------------ inbound

    /** The inbound subscription: one read per unit of demand, emitted on the driver thread. */
    static final class Inbound extends LoopSubscription<ByteBuffer> {

        private final SocketConnection conn;
        private final int chunk;

        Inbound(SocketConnection conn, Subscriber<? super ByteBuffer> s, int chunk) {
            super(conn, READ, s);
            this.conn = conn;
            this.chunk = chunk;
        }

        /**
         * The last read returned less than it asked for: the socket's receive buffer is most likely
         * empty, so the next read waits for the selector instead of spending a system call to find
         * nothing (as Netty does). Driver thread.
         */
        private boolean drained;

        @Override
        protected ByteBuffer produce() throws IOException {
            if (drained) {
                drained = false;
                conn.readInterest(true); // level-triggered: data that already arrived reports at once
                return null;
            }
            ByteBuffer target;
            ByteBuffer scratch = conn.driver.readBuffer();
            boolean viaScratch = chunk <= scratch.capacity();
            if (viaScratch) {
                target = scratch;
                target.clear().limit(chunk);
            } else {
                target = ByteBuffer.allocate(chunk);
            }
            int asked = target.remaining();
            int n = conn.channel.read(target);
            if (n > 0) {
                drained = n < asked;
                target.flip();
                if (!viaScratch) {
                    return target;
                }
                ByteBuffer out = ByteBuffer.allocate(n);
                out.put(target).flip();
                return out;
            }
            if (n == 0) {
                conn.readInterest(true);
                return null;
            }
            conn.readInterest(false);
            end(null); // end of stream
            conn.inputEnded();
            return null;
        }

        @Override
        protected void pause() {
            conn.readInterest(false);
        }

        @Override
        protected void failed(IOException e) {
            conn.fail(e); // does nothing if a close came first; then the close's cause is what ends us
            end(conn.closeCause);
        }
    }

    // ------------------------------------------------------------------ outbound

    /**
     * The subscriber behind {@code outbound}: one buffer requested at a time, the next only once the
     * previous one was written whole.
     *
     * <p><b>Protocol</b> ({@code state}: {@code PENDING}, {@code COMPLETE}, {@code DONE}). A buffer
     * arrives on the source's thread, which writes what the socket takes at once; if that is all of
     * it, it requests the next. Otherwise it parks the rest in {@code pending}, sets {@code PENDING}
     * and hands over to the driver, which writes on write readiness, then clears {@code PENDING} and
     * requests the next. {@code onComplete} sets {@code COMPLETE}; whoever sees both {@code COMPLETE}
     * and no {@code PENDING} - the source's thread or the driver, exactly one, by the atomic bit
     * operations - shuts the output down and completes the handle. {@code DONE} is set once, by the
     * first of success, failure, cancel or close; afterwards nothing is written or requested. Memory
     * is bounded: at most the one buffer in flight.
     */
    static final class Outbound implements Subscriber<ByteBuffer> {

        private static final int PENDING = 1;
        private static final int COMPLETE = 2;
        private static final int DONE = 4;
        private static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), "state", int.class);

        private final SocketConnection conn;
        final PromiseTask<Void> handle;
        private volatile Subscription upstream;
        /** Written by the source thread before PENDING is set, then owned by the driver. */
        private ByteBuffer pending;
        @SuppressWarnings("unused") private volatile int state;

        Outbound(SocketConnection conn) {
            this.conn = conn;
            this.handle = new PromiseTask<>(conn.scheduler, this::cancelled);
        }

        @Override
        public void onSubscribe(Subscription s) {
            Objects.requireNonNull(s, "§2.13 violated: subscription must not be null");
            if (upstream != null) {
                Subscriptions.refuse(s, "the outbound subscriber of " + conn, "already has a source",
                        conn.scheduler.dropped()::report);
                return;
            }
            upstream = s;
            if ((state & DONE) != 0) {
                s.cancel();
                return;
            }
            s.request(1L);
        }

        @Override
        public void onNext(ByteBuffer b) {
            if ((state & DONE) != 0) {
                return;
            }
            if (b == null) {
                // §2.13: throw to the caller, and fail the handle so the violation is not lost
                NullPointerException npe = new NullPointerException("§2.13 violated: onNext(null) in TcpConnection.outbound");
                sourceFailed(npe);
                throw npe;
            }
            if (!write(b)) {
                return;
            }
            if (!b.hasRemaining()) {
                upstream.request(1L);
                return;
            }
            pending = b;
            STATE.getAndBitwiseOr(this, PENDING);
            if (conn.driver.inLoop()) {
                conn.writeInterest(true);
            } else {
                conn.requestUpdate(WRITE);
            }
        }

        /** Writes what the socket takes now; false if the connection failed. */
        private boolean write(ByteBuffer b) {
            try {
                while (b.hasRemaining() && conn.channel.write(b) > 0) {
                    // the socket took some: try the rest
                }
                return true;
            } catch (IOException e) {
                conn.fail(e);
                end(e);
                return false;
            }
        }

        /** Driver thread: the socket can take more, or the output changed state. */
        void writeReady() {
            int s = state;
            if ((s & DONE) != 0 || (s & PENDING) == 0) {
                pending = null;
                conn.writeInterest(false);
                return;
            }
            ByteBuffer b = pending;
            if (!write(b)) {
                return;
            }
            if (b.hasRemaining()) {
                conn.writeInterest(true);
                return;
            }
            pending = null;
            conn.writeInterest(false);
            int prev = (int) STATE.getAndBitwiseAnd(this, ~PENDING);
            if ((prev & DONE) != 0) {
                return;
            }
            if ((prev & COMPLETE) != 0) {
                finish();
            } else {
                upstream.request(1L);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (t == null) {
                // §2.13: throw to the caller, and fail the handle so the violation is not lost
                NullPointerException npe = new NullPointerException("§2.13 violated: onError(null) in TcpConnection.outbound");
                sourceFailed(npe);
                throw npe;
            }
            sourceFailed(t);
        }

        @Override
        public void onComplete() {
            int prev = (int) STATE.getAndBitwiseOr(this, COMPLETE);
            if ((prev & (PENDING | DONE)) == 0) {
                finish();
            }
        }

        private void finish() {
            try {
                conn.channel.shutdownOutput(); // FIN after everything written
            } catch (IOException e) {
                conn.fail(e);
                end(e);
                return;
            }
            if (markDone()) {
                handle.resolve(null, null);
            }
            conn.outputShut();
        }

        /** The data failed: the stream is truncated, so the connection is closed, not shut down. */
        private void sourceFailed(Throwable t) {
            if (markDone()) {
                handle.resolve(null, t);
                conn.closeWith(new IOException("the outbound data failed", t));
            }
        }

        /** The connection closed or failed (any thread). */
        void end(Throwable cause) {
            if (!markDone()) {
                return;
            }
            Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
            if (cause instanceof CancellationException) {
                handle.cancel(); // runtime shutdown: the handle ends cancelled
            } else {
                handle.resolve(null, cause);
            }
        }

        /** The handle was cancelled: stop writing, cancel the data, keep the socket open. */
        private void cancelled() {
            if (markDone()) {
                Subscription s = upstream;
                if (s != null) {
                    s.cancel();
                }
                conn.requestUpdate(WRITE); // the driver drops the pending buffer and the interest
            }
        }

        private boolean markDone() {
            for (;;) {
                int s = state;
                if ((s & DONE) != 0) {
                    return false;
                }
                if (STATE.compareAndSet(this, s, s | DONE)) {
                    return true;
                }
            }
        }
    }
}

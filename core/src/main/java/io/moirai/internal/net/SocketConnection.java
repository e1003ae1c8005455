package io.moirai.internal.net;

import io.moirai.internal.io.IoDriver;
import io.moirai.internal.io.IoHandler;
import io.moirai.internal.io.ReadBufferPool;
import io.moirai.internal.scheduler.ComputeScheduler;
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
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.reactivestreams.Publisher;

/**
 * One TCP connection on one I/O driver, as a lifecycle: connecting, the registration and interest
 * set, handing readiness to its two sides, and closing. The input side is a {@link SocketReader}
 * (bytes read while there is demand), the output side a {@link SocketWriter}; each may be claimed
 * once.
 *
 * <p><b>Threads and ownership.</b> The selection key, the interest set, reads and the inbound
 * subscriber's signals belong to the driver thread. Any thread may subscribe, request, cancel, call
 * {@link #outbound} or {@link #close}; those reach the driver as update bits ({@link IoHandler}).
 * Writes happen on the thread that delivers a buffer when the socket takes it whole at once, and on
 * the driver thread otherwise (see {@link SocketWriter}).
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
    private static final VarHandle CLAIMED = VarHandles.field(MethodHandles.lookup(), "claimed", int.class);
    /** The sides, as {@link #claim} bits. */
    static final int INPUT = 1;
    static final int OUTPUT = 2;

    final SocketChannel channel;
    final ComputeScheduler scheduler;
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;
    /** The sides claimed so far: {@link #INPUT}, {@link #OUTPUT}. */
    @SuppressWarnings("unused") private volatile int claimed;
    /** Null while open; set once (CAS) to what unfinished sides end with: the close flag and its cause. */
    private volatile Throwable closeCause;
    /** The claimed sides, each set by its own class before its user hears of it. */
    volatile SocketReader<?> inbound;
    volatile SocketWriter<?> outbound;
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

    /** @return the input, each read copied out to a heap buffer of at most {@code chunk} bytes ({@link SocketReader}) */
    public Publisher<ByteBuffer> inbound(int chunk) {
        return s -> SocketReader.subscribe(this, s, SocketReader.copies(chunk), "TcpConnection.inbound()");
    }

    /** @return the input read into pooled buffers, each wrapped with its pool (null: not pooled) */
    public <T> Publisher<T> receive(int chunk, BiFunction<ByteBuffer, ReadBufferPool, T> wrap) {
        return s -> SocketReader.subscribe(this, s, SocketReader.pooled(chunk, wrap), "TcpConnection.receive()");
    }

    /** @return the handle of the output, written from {@code data} ({@link SocketWriter}) */
    public TaskHandle<Void> outbound(Publisher<ByteBuffer> data) {
        return SocketWriter.subscribeTo(this, data, Function.identity(), b -> { }, 0, "TcpConnection.outbound()");
    }

    /** @return the handle of the output, written from {@code data}; {@code written} once per item, however it ends */
    public <T> TaskHandle<Void> send(Publisher<T> data, Function<T, ByteBuffer> bytes, Consumer<T> written) {
        return SocketWriter.subscribeTo(this, data, bytes, written, SocketWriter.SEND_AHEAD,
                "TcpConnection.send()");
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
    @Override
    protected void closeWith(Throwable cause) {
        if (!CLOSE_CAUSE.compareAndSet(this, null, cause)) {
            return;
        }
        try {
            channelClose();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
        requestUpdate(CLOSE);
    }

    // The JDK calls on the socket that may wait for its internal locks (a close waits for a read or
    // write in progress on another thread, and they for it): each in a method of its own that runs no
    // other code, so BlockHound's integration can allow exactly these waits.

    private void channelClose() throws IOException {
        channel.close();
    }

    private boolean channelConnect() throws IOException {
        return channel.connect(connectTo);
    }

    private boolean channelFinishConnect() throws IOException {
        return channel.finishConnect();
    }

    /** The socket's read, for the reader; see {@link #channelClose}. Driver thread. */
    int channelRead(ByteBuffer target) throws IOException {
        return channel.read(target);
    }

    /** The socket's gathering write, for the writer; see {@link #channelClose}. The writer's owner. */
    long channelWrite(ByteBuffer[] buffers, int count) throws IOException {
        return count == 1 ? channel.write(buffers[0]) : channel.write(buffers, 0, count);
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
            SocketReader<?> in = inbound;
            in.attach();
            if (closeCause != null) {
                in.end(closeCause);
            }
        }
        if ((bits & READ) != 0) {
            readReady();
        }
        if ((bits & WRITE) != 0) {
            writeReady();
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
        if ((readyOps & SelectionKey.OP_READ) != 0 && !readReady()) {
            readInterest(false);
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && !writeReady()) {
            writeInterest(false);
        }
    }

    /** @return whether there is a reader to drain. Driver thread. */
    private boolean readReady() {
        SocketReader<?> in = inbound;
        if (in != null) {
            in.drain();
        }
        return in != null;
    }

    /** @return whether there is a writer to go on writing. Driver thread. */
    private boolean writeReady() {
        SocketWriter<?> out = outbound;
        if (out != null) {
            out.writeReady();
        }
        return out != null;
    }

    private void startConnect() {
        try {
            if (channelConnect()) {
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
            if (channelFinishConnect()) {
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
        SocketReader<?> in = inbound;
        if (in != null) {
            in.end(cause);
        }
        SocketWriter<?> out = outbound;
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

    // ------------------------------------------------------------------ for the sides

    /**
     * Claims a side for its only user. Any thread.
     *
     * @param side {@link #INPUT} or {@link #OUTPUT}
     * @return whether the caller is the first to claim it
     */
    boolean claim(int side) {
        return ((int) CLAIMED.getAndBitwiseOr(this, side) & side) == 0;
    }

    /**
     * Hands {@code bits} to the driver ({@link #ATTACH_IN}, {@link #WRITE}): the sides' way to
     * {@link #requestUpdate}. Any thread.
     *
     * @param bits the update bits
     */
    void handOver(int bits) {
        requestUpdate(bits);
    }

    /** @return the driver serving this connection. Any thread. */
    IoDriver driver() {
        return driver;
    }

    /** @return null while open, else what the unfinished sides end with. Any thread. */
    Throwable closeCause() {
        return closeCause;
    }

    /** Driver thread. */
    void readInterest(boolean on) {
        interest(SelectionKey.OP_READ, on);
    }

    /** Driver thread. */
    void writeInterest(boolean on) {
        interest(SelectionKey.OP_WRITE, on);
    }

    @Override
    protected void shutdown(Throwable cause) {
        closeWith(cause);
        if (closeCause != null) {
            ended(); // on the driver thread: end both sides now, the driver is going away
        }
    }

    /**
     * The driver stopped after a reader subscribed and before it was attached: {@link #shutdown}
     * ended it while detached, so attach it here, which delivers that end (it would otherwise never
     * reach the subscriber, whose {@code onSubscribe} has returned).
     */
    @Override
    protected void unapplied(int bits) {
        if ((bits & ATTACH_IN) != 0) {
            SocketReader<?> in = inbound;
            in.attach();
            in.end(closeCause); // if the close raced past shutdown's ended(): end now (does nothing twice)
        }
    }

    @Override
    public String toString() {
        return "local=" + local + ", remote=" + remote + (closeCause != null ? ", closed" : "");
    }
}

package io.moirai.rsocket.internal;

import io.moirai.internal.util.VarHandles;
import io.moirai.Moirai;
import io.moirai.net.TcpConnection;
import io.moirai.rsocket.MoiraiRSocket;
import io.moirai.task.TaskHandle;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.rsocket.DuplexConnection;
import io.rsocket.RSocketErrorException;
import io.rsocket.exceptions.ConnectionErrorException;
import io.rsocket.frame.ErrorFrameCodec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

/**
 * RSocket's {@link DuplexConnection} on one Moirai {@link TcpConnection}: frames in through
 * {@link InboundFrames}, frames out through {@link OutboundFrames}, and the connection's life.
 *
 * <p><b>Closing, both ways.</b> The connection is disposed, once, by whichever comes first: a local
 * {@link #dispose()} (RSocket's or the server's), the peer closing or resetting the socket (the
 * inbound stream ends: {@code receive()} gets {@code onError(ClosedChannelException)} or the socket's
 * error first), a failed write, the end of the output after {@link #sendErrorAndClose}, or a failure
 * of the transport's own (a refused frame, the outbound bound). Disposing closes the socket at once,
 * releases every queued frame and completes {@link #onClose()} (always empty: RSocket terminates its
 * streams with {@code ClosedChannelException} whatever the cause). Failures of the transport's own
 * are also reported to Reactor's {@code onErrorDropped} hook, because RSocket ignores errors of
 * {@code receive()}.
 *
 * <p><b>{@code sendErrorAndClose}</b> queues the ERROR frame behind what is queued, writes it, shuts
 * the output down and closes. A peer that does not read cannot hold the connection open: it is closed
 * anyway after {@link #ERROR_FLUSH_TIMEOUT}.
 *
 * <p><b>Threads.</b> Every method may be called from any thread. Frames are delivered on the socket's
 * I/O thread (or on the thread that requested them, when they had already arrived).
 */
final class MoiraiDuplexConnection implements DuplexConnection {

    /** How long {@link #sendErrorAndClose} waits for the ERROR frame to be written before it closes anyway. */
    static final Duration ERROR_FLUSH_TIMEOUT = Duration.ofSeconds(5);

    private static final VarHandle CLOSED = VarHandles.field(MethodHandles.lookup(), "closed", int.class);

    private final Moirai moirai;
    private final TcpConnection tcp;
    private final ByteBufAllocator alloc;
    private final String side;
    private final OutboundFrames outbound;
    private final InboundFrames inbound;
    private final Sinks.Empty<Void> onClose = Sinks.empty();
    @SuppressWarnings("unused") private volatile int closed; // CLOSED
    private volatile TaskHandle<Void> closeTimer;

    /**
     * Starts the output (the socket's writer subscribes to the outbound frames); the input is read
     * once {@link #receive()} is subscribed.
     *
     * @param moirai the runtime of the socket (its workers run deferred flushes, its timer the error flush timeout)
     * @param tcp the connected socket; this takes it over
     * @param settings frame limit, queue bound, allocator
     * @param side "client" or "server", for {@link #toString()}
     */
    MoiraiDuplexConnection(Moirai moirai, TcpConnection tcp, MoiraiRSocket.Settings settings, String side) {
        this.moirai = moirai;
        this.tcp = tcp;
        this.alloc = settings.allocator();
        this.side = side;
        this.outbound = new OutboundFrames(settings.maxQueuedBytes(), WriteBuffers.SHARED, moirai, this::failed);
        this.inbound = new InboundFrames(tcp.receive(), new FrameDecoder(alloc, settings.maxFrameLength()), outbound,
                this::refused, cause -> dispose());
        TaskHandle<Void> written = tcp.send(outbound);
        written.toCompletableFuture().whenComplete((ignored, error) -> dispose());
    }

    @Override
    public void sendFrame(int streamId, ByteBuf frame) {
        outbound.offer(streamId, frame);
    }

    @Override
    public void sendErrorAndClose(RSocketErrorException error) {
        ByteBuf frame = ErrorFrameCodec.encode(alloc, 0, error);
        if (!outbound.offerFinal(frame) || isDisposed()) {
            return;
        }
        try {
            TaskHandle<Void> timer = moirai.delay(ERROR_FLUSH_TIMEOUT);
            closeTimer = timer;
            timer.toCompletableFuture().thenRun(this::dispose); // a cancelled timer does not run it
            if (isDisposed()) {
                timer.cancel();
            }
        } catch (RejectedExecutionException shutDown) {
            dispose();
        }
    }

    @Override
    public Flux<ByteBuf> receive() {
        return inbound;
    }

    @Override
    public ByteBufAllocator alloc() {
        return alloc;
    }

    @Override
    public SocketAddress remoteAddress() {
        return tcp.remoteAddress();
    }

    @Override
    public Mono<Void> onClose() {
        return onClose.asMono();
    }

    @Override
    public void dispose() {
        if (!CLOSED.compareAndSet(this, 0, 1)) {
            return;
        }
        tcp.close();
        outbound.close();
        TaskHandle<Void> timer = closeTimer;
        if (timer != null) {
            timer.cancel();
        }
        onClose.tryEmitEmpty();
    }

    @Override
    public boolean isDisposed() {
        return closed != 0;
    }

    /** The peer sent a frame the decoder refused: tell it why, then close. */
    private void refused(ConnectionErrorException refusal) {
        Operators.onErrorDropped(refusal, Context.empty());
        sendErrorAndClose(refusal);
    }

    /** The output cannot go on (the queue bound): the input ends with the same error, the socket closes. */
    private void failed(Throwable cause) {
        if (isDisposed()) {
            return;
        }
        Operators.onErrorDropped(cause, Context.empty());
        inbound.fail(cause);
        dispose();
    }

    @Override
    public String toString() {
        return "MoiraiDuplexConnection[" + side + ", " + tcp + (isDisposed() ? ", disposed]" : "]");
    }
}

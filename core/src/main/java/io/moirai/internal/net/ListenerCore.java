package io.moirai.internal.net;

import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.io.IoDriver;
import io.moirai.internal.io.IoGroup;
import io.moirai.internal.io.IoHandler;
import io.moirai.internal.io.LoopSubscription;
import io.moirai.internal.runtime.RuntimeCore;
import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.task.PromiseTask;
import io.moirai.internal.util.VarHandles;
import io.moirai.task.TaskHandle;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;

/**
 * A listening socket on one I/O driver whose accepted connections are a unicast publisher: accept
 * interest is registered only while the subscriber has demand; each accepted socket goes to the next
 * driver of the group, so connections spread over the I/O threads.
 *
 * <p>Threads: {@link #connections()}, {@link #close()} and the getters from any thread; the key, the
 * accepts and the subscriber's signals on the listener's driver thread (see {@link LoopSubscription}).
 *
 * @param <C> the public connection type emitted
 */
public final class ListenerCore<C> extends IoHandler {

    private static final int REGISTER = 1;
    private static final int ATTACH = 1 << 1;
    private static final int ACCEPT = 1 << 2;
    private static final int CLOSE = 1 << 3;
    private static final int BACKLOG = 1024;

    private static final VarHandle CLOSE_STATE = VarHandles.field(MethodHandles.lookup(), "closeState", Object.class);
    /** The close state of a listener closed by {@link #close()}: its subscriber completes. */
    private static final Object CLOSED_NORMALLY = new Object();
    private static final VarHandle CLAIMED = VarHandles.field(MethodHandles.lookup(), "claimed", int.class);

    private final ServerSocketChannel channel;
    private final IoGroup io;
    private final ComputeScheduler scheduler;
    private final Function<SocketConnection, C> wrap;
    private final InetSocketAddress local;
    @SuppressWarnings("unused") private volatile int claimed;
    /** Null while open; set once (CAS) to {@code CLOSED_NORMALLY} or the error the subscriber gets. */
    private volatile Object closeState;
    private volatile Accepts accepts;
    /** The public end of the listener: resolved once it is closed ({@code TcpListener.onClose()}). */
    private final PromiseTask<Void> closed;
    /** Completes once the listening socket is really closed (its key flushed from the selector). */
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    /** How long {@link #close()} waits for the port to be released. */
    static final long RELEASE_WAIT_MILLIS = 2_000L;
    private boolean deregistered; // driver thread
    /** Waits out accepts that fail for want of descriptors, buffers or memory. */
    private final AcceptBackoff backoff;

    private ListenerCore(IoDriver driver, IoGroup io, ComputeScheduler scheduler, ServerSocketChannel channel,
            Function<SocketConnection, C> wrap) throws IOException {
        super(driver);
        this.io = io;
        this.scheduler = scheduler;
        this.channel = channel;
        this.wrap = wrap;
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.backoff = new AcceptBackoff(scheduler, driver, () -> requestUpdate(ACCEPT));
        this.closed = new PromiseTask<>(scheduler, () -> { }); // cancelling it only ends the handle
    }

    /** @return the handle resolved once the listener is closed. Any thread. */
    public TaskHandle<Void> onClose() {
        return closed;
    }

    /**
     * Binds now, so a busy address fails the caller.
     *
     * @param runtime the runtime
     * @param address where to listen
     * @param wrap turns accepted connections into the public type
     * @param <C> the public type
     * @return the listener
     * @throws IOException if binding fails; the message names the address
     */
    public static <C> ListenerCore<C> bind(RuntimeCore runtime, InetSocketAddress address,
            Function<SocketConnection, C> wrap) throws IOException {
        IoGroup io = runtime.io();
        ServerSocketChannel ch = ServerSocketChannel.open();
        ListenerCore<C> l;
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(address, BACKLOG);
            ch.configureBlocking(false);
            l = new ListenerCore<>(io.next(), io, runtime.scheduler(), ch, wrap);
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            String message = "cannot bind " + address + ": " + e.getMessage();
            IOException named = e instanceof BindException ? new BindException(message) : new IOException(message);
            named.initCause(e);
            throw named;
        }
        l.requestUpdate(REGISTER);
        return l;
    }

    /** @return the bound address */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** @return whether the listener is open */
    public boolean isOpen() {
        return closeState == null;
    }

    /** @return the unicast publisher of accepted connections */
    public Publisher<C> connections() {
        return this::subscribe;
    }

    private void subscribe(Subscriber<? super C> s) {
        Subscriptions.requireSubscriber(s);
        if (!CLAIMED.compareAndSet(this, 0, 1)) {
            Subscriptions.rejectSecondSubscriber(s, "TcpListener.connections()");
            return;
        }
        if (closeState != null) {
            Subscriptions.error(s, new IllegalStateException("TcpListener.connections(): the listener is closed"));
            return;
        }
        Accepts a = new Accepts(s);
        accepts = a;
        try {
            s.onSubscribe(a);
        } catch (Throwable t) {
            a.cancel(); // §2.13
            driver.dropped().report(t);
        }
        requestUpdate(ATTACH);
    }

    /**
     * Stops accepting and closes the socket; the subscriber completes. Any thread; idempotent. Called
     * from another thread than the listener's I/O thread, it returns once the port is released (the
     * JDK closes a registered channel only when its selector forgets the key), waiting at most
     * {@link #RELEASE_WAIT_MILLIS} ms.
     */
    public void close() {
        closeWith(null);
        if (!driver.inLoop()) {
            awaitReleased();
        }
    }

    /** Waits (bounded) for the selector to let go of the port; runs no other code (BlockHound allows this wait). */
    private void awaitReleased() {
        try {
            released.get(RELEASE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the port is released a little later; nothing else depends on it
        }
    }

    /** The socket's accept, which may wait for a close in progress on another thread (and a close for it). */
    private SocketChannel channelAccept() throws IOException {
        return channel.accept();
    }

    private void channelClose() throws IOException {
        channel.close();
    }

    @Override
    protected void closeWith(Throwable cause) {
        if (!CLOSE_STATE.compareAndSet(this, null, cause == null ? CLOSED_NORMALLY : cause)) {
            return;
        }
        try {
            channelClose();
        } catch (IOException e) {
            driver.dropped().report(e);
        }
        if (cause instanceof CancellationException) {
            this.closed.cancel(); // the runtime shut down
        } else {
            this.closed.resolve(null, cause);
        }
        requestUpdate(CLOSE);
    }

    /** @return null for a normal close (the subscriber completes), else the error it gets */
    private Throwable closeCause() {
        Object state = closeState;
        return state instanceof Throwable t ? t : null;
    }

    @Override
    protected void update(int bits) {
        if ((bits & REGISTER) != 0 && !deregistered) {
            try {
                key = driver.register(channel, 0, this);
            } catch (ClosedChannelException e) {
                // closed before registration: CLOSE follows
            }
        }
        if ((bits & CLOSE) != 0) {
            ended();
        }
        if ((bits & ATTACH) != 0) {
            Accepts a = accepts;
            a.attach();
            if (closeState != null) {
                a.end(closeCause());
            }
        }
        if ((bits & ACCEPT) != 0) {
            Accepts a = accepts;
            if (a != null) {
                a.drain();
            }
        }
    }

    private void ended() {
        backoff.cancel();
        if (!deregistered) {
            deregistered = true;
            if (key != null) {
                driver.deregister(key);
                driver.afterKeysFlushed(() -> released.complete(null));
            } else {
                released.complete(null);
            }
        }
        Accepts a = accepts;
        if (a != null) {
            a.end(closeCause());
        }
    }

    @Override
    protected void ready(int readyOps) {
        Accepts a = accepts;
        if (a != null) {
            a.drain();
        } else {
            interest(SelectionKey.OP_ACCEPT, false);
        }
    }

    @Override
    protected void shutdown(Throwable cause) {
        closeWith(cause); // a shutdown's CancellationException, or the error that ended the driver
        ended();
    }

    @Override
    public String toString() {
        return "local=" + local + (closeState != null ? ", closed" : "");
    }

    /** The subscription of {@link #connections()}: one accept per unit of demand. */
    final class Accepts extends LoopSubscription<C> {

        Accepts(Subscriber<? super C> s) {
            super(ListenerCore.this, ACCEPT, s);
        }

        @Override
        protected C produce() throws IOException {
            SocketChannel c;
            try {
                c = channelAccept();
            } catch (ClosedChannelException closed) {
                throw closed; // closed: the stream ends (see failed)
            } catch (IOException exhausted) {
                waitOut(exhausted);
                return null;
            }
            if (c == null) {
                interest(SelectionKey.OP_ACCEPT, true);
                return null;
            }
            backoff.succeeded();
            try {
                return wrap.apply(SocketConnection.accepted(io.nextForAccepted(), c, scheduler));
            } catch (IOException | RuntimeException e) {
                // this one connection could not be set up (reset before we saw it, runtime closing):
                // drop it and keep accepting
                try {
                    c.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                driver.dropped().report(e);
                interest(SelectionKey.OP_ACCEPT, true);
                return null;
            }
        }

        /**
         * The machine refused an accept (EMFILE, ENFILE, ENOBUFS, ENOMEM...): the listener stays
         * open and its subscriber waits; accepting resumes after a pause (see {@link AcceptBackoff}).
         */
        private void waitOut(Throwable exhausted) {
            interest(SelectionKey.OP_ACCEPT, false);
            if (backoff.failed()) {
                driver.dropped().report(new IOException("accepting on " + local + " failed, retrying every "
                        + AcceptBackoff.FIRST_MILLIS + "-" + AcceptBackoff.MAX_MILLIS + " ms until it succeeds: "
                        + exhausted, exhausted));
            }
        }

        @Override
        protected void pause() {
            interest(SelectionKey.OP_ACCEPT, false);
        }

        @Override
        protected void failed(IOException e) {
            if (closeState != null) {
                end(closeCause()); // closed meanwhile (accept saw the closed channel): a close, not a failure
                return;
            }
            end(e);
            closeWith(e);
        }
    }
}

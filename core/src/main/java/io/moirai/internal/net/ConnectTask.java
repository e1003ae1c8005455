package io.moirai.internal.net;

import io.moirai.internal.io.IoDriver;
import io.moirai.internal.runtime.RuntimeCore;
import io.moirai.internal.task.PromiseTask;
import io.moirai.task.TaskHandle;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * One connection attempt: resolves the peer's name on the blocking pool when it is not resolved yet
 * (a name lookup blocks), then starts a non-blocking connect on an I/O driver and resolves the handle
 * with the connection.
 *
 * <p>Threads: {@link #start} from any thread; the lookup runs on a blocking thread, the connect on the
 * driver; cancelling the handle (any thread) cancels the lookup or closes the socket, whichever is
 * under way. Both {@code lookup} and {@code conn} are volatile and written before the handle's state
 * is read, while a cancel writes the state before it reads them, so one of the two sides always sees
 * the other.
 *
 * @param <C> the handle's type
 */
public final class ConnectTask<C> {

    private final RuntimeCore runtime;
    private final Function<SocketConnection, C> wrap;
    private final PromiseTask<C> handle;
    private volatile TaskHandle<InetSocketAddress> lookup;
    private volatile SocketConnection conn;

    private ConnectTask(RuntimeCore runtime, Function<SocketConnection, C> wrap) {
        this.runtime = runtime;
        this.wrap = wrap;
        this.handle = new PromiseTask<>(runtime.scheduler(), this::cancelled);
    }

    /**
     * @param runtime the runtime
     * @param address the peer; an unresolved one is looked up first, on the blocking pool
     * @param wrap turns the connection into what the handle carries (the public {@code TcpConnection})
     * @param <C> the handle's type
     * @return the handle: the connection, or the failure ({@code ConnectException} when refused, an
     *     {@code UnknownHostException} naming the host when it cannot be resolved)
     * @throws RejectedExecutionException if the runtime is shut down
     */
    public static <C> TaskHandle<C> start(RuntimeCore runtime, InetSocketAddress address,
            Function<SocketConnection, C> wrap) {
        ConnectTask<C> attempt = new ConnectTask<>(runtime, wrap);
        if (address.isUnresolved()) {
            attempt.resolveThenConnect(address);
        } else {
            attempt.connect(address, runtime.io().next()); // a shut-down runtime refuses here
        }
        return attempt.handle;
    }

    private void resolveThenConnect(InetSocketAddress unresolved) {
        TaskHandle<InetSocketAddress> l = runtime.spawnBlocking(() -> resolve(unresolved)); // refused if shut down
        lookup = l;
        if (handle.isFinished()) {
            l.cancel(); // cancelled before the lookup was published
            return;
        }
        l.toCompletableFuture().whenComplete((address, error) -> {
            if (error instanceof CancellationException) {
                handle.cancel(); // the runtime shut down during the lookup
            } else if (error != null) {
                handle.resolve(null, error);
            } else {
                try {
                    connect(address, runtime.io().next());
                } catch (RejectedExecutionException shutDown) {
                    handle.cancel(); // the runtime shut down after the lookup
                }
            }
        });
    }

    /**
     * Looks the host up (blocking).
     *
     * @throws UnknownHostException naming the host, if it has no address
     */
    static InetSocketAddress resolve(InetSocketAddress unresolved) throws UnknownHostException {
        String host = unresolved.getHostString();
        try {
            return new InetSocketAddress(InetAddress.getByName(host), unresolved.getPort());
        } catch (UnknownHostException e) {
            UnknownHostException named = new UnknownHostException(
                    "cannot resolve host '" + host + "'" + (e.getMessage() != null ? ": " + e.getMessage() : ""));
            named.initCause(e);
            throw named;
        }
    }

    private void connect(InetSocketAddress address, IoDriver driver) {
        SocketChannel channel = null;
        SocketConnection c;
        try {
            channel = SocketChannel.open();
            c = new SocketConnection(driver, channel, runtime.scheduler());
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            handle.resolve(null, e);
            return;
        }
        conn = c;
        if (handle.isFinished()) {
            c.close(); // cancelled before the connection existed
            return;
        }
        C wrapped = wrap.apply(c);
        c.connect(address, error -> {
            if (error == null) {
                handle.resolve(wrapped, null);
                if (handle.isCancelled()) {
                    c.close();
                }
            } else {
                handle.resolve(null, error);
            }
        });
    }

    /** The handle was cancelled: stop whatever is under way. */
    private void cancelled() {
        TaskHandle<InetSocketAddress> l = lookup;
        if (l != null) {
            l.cancel();
        }
        SocketConnection c = conn;
        if (c != null) {
            c.close();
        }
    }

    private static void closeQuietly(SocketChannel channel, Exception cause) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }
    }
}

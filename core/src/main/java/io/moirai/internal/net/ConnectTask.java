package io.moirai.internal.net;

import io.moirai.internal.io.IoDriver;
import io.moirai.internal.runtime.RuntimeCore;
import io.moirai.internal.task.PromiseTask;
import io.moirai.task.TaskHandle;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.function.Function;

/**
 * Starts a non-blocking connect on an I/O driver and resolves a handle with the connection.
 *
 * <p>Threads: {@link #start} from any thread; the attempt runs on the driver; cancelling the handle
 * (any thread) closes the socket.
 */
public final class ConnectTask {

    private ConnectTask() {}

    /**
     * @param runtime the runtime
     * @param address the peer
     * @param wrap turns the connection into what the handle carries (the public {@code TcpConnection})
     * @param <C> the handle's type
     * @return the handle: the connection, or the connect failure ({@code ConnectException} when refused)
     */
    public static <C> TaskHandle<C> start(RuntimeCore runtime, InetSocketAddress address,
            Function<SocketConnection, C> wrap) {
        IoDriver driver = runtime.io().next();
        SocketConnection[] conn = new SocketConnection[1];
        PromiseTask<C> handle = new PromiseTask<>(runtime.scheduler(), () -> {
            if (conn[0] != null) {
                conn[0].close();
            }
        });
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            conn[0] = new SocketConnection(driver, channel, runtime.scheduler());
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            handle.resolve(null, e);
            return handle;
        }
        SocketConnection c = conn[0];
        if (handle.isFinished()) {
            c.close(); // cancelled before the connection existed
            return handle;
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
        return handle;
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

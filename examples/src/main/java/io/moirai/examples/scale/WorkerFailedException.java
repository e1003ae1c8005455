package io.moirai.examples.scale;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import reactor.core.Exceptions;

/**
 * A worker of the scale-out example could not be reached or failed mid-run (its process died, its
 * connection closed or reset, it stopped answering keep-alives). The message names the worker by
 * number and address and says what happened; the cause is RSocket's or the socket's error.
 */
public final class WorkerFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int worker;
    private final InetSocketAddress address;

    /**
     * @param worker the worker's number, from 1, as the user listed it
     * @param address its address
     * @param what what failed, e.g. {@code "failed after 12,345 results"}
     * @param cause the underlying error
     */
    public WorkerFailedException(int worker, InetSocketAddress address, String what, Throwable cause) {
        super(String.format(Locale.ROOT, "worker %d (%s) %s: %s", worker, hostPort(address), what, describe(cause)), cause);
        this.worker = worker;
        this.address = address;
    }

    /** @return the worker's number, from 1 */
    public int worker() {
        return worker;
    }

    /** @return the worker's address */
    public InetSocketAddress address() {
        return address;
    }

    /** @return {@code host:port}, the host as an IP address when it is resolved ({@code [v6]:port} for IPv6) */
    public static String hostPort(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString()
                : ip instanceof Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
        return host + ":" + address.getPort();
    }

    /** An error as a reader wants it: what kind, and its message if it has one (a closed channel has none). */
    private static String describe(Throwable e) {
        Throwable root = Exceptions.unwrap(e);
        if (root instanceof CompletionException && root.getCause() != null) {
            root = root.getCause();
        }
        String kind = root.getClass().getSimpleName();
        if (root instanceof ClosedChannelException) {
            return "its connection closed (" + kind + ")";
        }
        return root.getMessage() == null ? kind : root.getMessage() + " (" + kind + ")";
    }
}

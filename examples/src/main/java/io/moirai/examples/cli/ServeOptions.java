package io.moirai.examples.cli;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/**
 * The options every server command shares (a picocli mixin): where to listen, the runtime's size, and
 * how long to serve. Every value is checked while the command line is parsed (a bad one is a usage
 * error naming the flag), so nothing starts with a value that cannot work. Filled by picocli on the
 * command's thread; read by the same thread, except {@link #stop()}, which any thread may call.
 */
public final class ServeOptions {

    @Option(names = "--host", defaultValue = "127.0.0.1", converter = HostConverter.class,
            description = "Address to bind, a name or an IP address of this machine; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    InetAddress host;

    @Option(names = "--port", defaultValue = "0", converter = Bounded.Port.class,
            description = "Port to bind, 0 to 65535 (default: ${DEFAULT-VALUE}, any free port: the listening line and --port-file say which).")
    int port;

    @Option(names = "--port-file", converter = PortFileConverter.class,
            description = "Write the bound port to this file before announcing the server (for scripts); its directory must exist.")
    Path portFile;

    @Option(names = "--duration", converter = DurationConverter.class,
            description = "Serve this long, then exit (default: until interrupted), e.g. 30s.")
    Duration duration;

    @Option(names = "--workers", converter = Bounded.Threads.class,
            description = "Compute workers, 1 to 32,767 (default: available processors).")
    Integer workers;

    @Option(names = "--io-threads", defaultValue = "1", converter = Bounded.Threads.class,
            description = "I/O threads, 1 to 32,767 (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    private final CountDownLatch stopRequested = new CountDownLatch(1);

    /** @return the address to bind (every value was checked while parsing) */
    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    /** @return a runtime builder sized by the options */
    public io.moirai.Moirai.Builder runtime(String name) {
        io.moirai.Moirai.Builder b = io.moirai.Moirai.builder().threadNamePrefix(name).ioThreads(ioThreads);
        if (workers != null) {
            b.workerThreads(workers);
        }
        return b;
    }

    /** Ends {@link #serve} (or makes it return at once if it has not begun). Any thread; idempotent. */
    public void stop() {
        stopRequested.countDown();
    }

    /**
     * Writes the port file, announces the bound address, then waits for {@code --duration}, a
     * {@link #stop()} or the thread's interrupt, and says it is stopping; the caller then closes the
     * server and the runtime and prints its summary.
     *
     * @param report where to print
     * @param label the server's name, the lines' label
     * @param bound the bound address
     * @throws IOException if the port file cannot be written
     */
    public void serve(Report report, String label, InetSocketAddress bound) throws IOException {
        if (portFile != null) { // first: a server that cannot write it never claims to listen
            Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(tmp, Integer.toString(bound.getPort()), StandardCharsets.US_ASCII);
            Files.move(tmp, portFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        report.line(label, "listening on %s%s", hostAndPort(host, bound.getPort()),
                duration == null ? " (Ctrl-C to stop)" : " for " + Durations.format(duration));
        try {
            if (duration == null) {
                stopRequested.await();
            } else {
                stopRequested.await(duration.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
        report.line(label, "stopping");
    }

    /** @return {@code 127.0.0.1:8080}, {@code [::1]:8080}: the address as given (the bound socket may show the wildcard as IPv6) */
    static String hostAndPort(InetAddress host, int port) {
        String h = host.getHostAddress();
        return (host instanceof Inet6Address ? "[" + h + "]" : h) + ":" + port;
    }
}

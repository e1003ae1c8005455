package io.moirai.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every server command shares (a picocli mixin): where to listen, the runtime's size, and
 * how long to serve. Filled by picocli on the command's thread; read by the same thread.
 */
public final class ServeOptions {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", required = true, description = "Port to bind; 0 picks a free one.")
    int port;

    @Option(names = "--port-file", description = "Write the bound port to this file once listening (for scripts).")
    Path portFile;

    @Option(names = "--duration", converter = DurationConverter.class,
            description = "Serve this long, then exit (default: until interrupted), e.g. 30s.")
    Duration duration;

    @Option(names = "--workers", description = "Compute workers (default: available processors).")
    Integer workers;

    @Option(names = "--io-threads", defaultValue = "1", description = "I/O threads (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** @return the address to bind; a bad port is a usage error naming the value */
    public InetSocketAddress address() {
        if (port < 0 || port > 65_535) {
            throw new ParameterException(command.commandLine(), "--port must be between 0 and 65535, got " + port);
        }
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

    /**
     * Announces the bound address (and writes the port file), then waits for {@code --duration} or
     * until the thread is interrupted (Ctrl-C ends the JVM, whose shutdown closes the runtime).
     *
     * @param what the server's name, for the message
     * @param bound the bound address
     * @param out where to print
     * @throws IOException if the port file cannot be written
     */
    public void serve(String what, InetSocketAddress bound, PrintWriter out) throws IOException {
        out.println(what + " listening on " + bound.getHostString() + ":" + bound.getPort()
                + (duration == null ? " (Ctrl-C to stop)" : " for " + duration));
        out.flush();
        if (portFile != null) {
            Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(tmp, Integer.toString(bound.getPort()), StandardCharsets.US_ASCII);
            Files.move(tmp, portFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        CountDownLatch never = new CountDownLatch(1);
        try {
            if (duration == null) {
                never.await();
            } else {
                never.await(duration.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
        out.println(what + " stopping");
        out.flush();
    }
}

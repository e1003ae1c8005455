package io.moirai.examples.cli;

import io.moirai.Moirai;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.reactor.MoiraiReactor;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code echo-server}: a TCP echo server written as a Reactor pipeline over Moirai's sockets. Each
 * connection's inbound bytes flow through {@code Flux} operators straight into its outbound, so the
 * client's reading pace decides how fast the server reads (TCP backpressure end to end). Runs on the
 * command's thread until {@code --duration} passes or it is stopped (Ctrl-C, SIGTERM: {@link #stop()}),
 * then prints the connections served and the bytes echoed.
 */
@Command(name = "echo-server", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "TCP echo server: a Reactor pipeline over Moirai's TcpConnection.")
public final class EchoServerCommand implements Callable<Integer>, LongRunning {

    private static final String NAME = "echo-server";

    @Mixin
    ServeOptions serve;

    @Spec
    CommandSpec spec;

    /** Stops serving: the command prints its summary and returns 0 (Ctrl-C and SIGTERM call this). */
    @Override
    public void stop() {
        serve.stop();
    }

    @Override
    public Integer call() throws Exception {
        Report report = new Report(spec.commandLine().getOut(), NAME);
        AtomicLong connections = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        try (Moirai moirai = serve.runtime("echo").build();
                TcpListener listener = TcpListener.bind(moirai, serve.address())) {
            MoiraiReactor.toFlux(listener.connections()).subscribe(conn -> {
                connections.incrementAndGet();
                echo(conn, bytes);
            }, error -> report.line(NAME, "accepting failed: %s", error));
            serve.serve(report, NAME, listener.localAddress());
        }
        report.line(NAME, "served %s, echoed %s", Report.count(connections.get(), "connection"),
                Report.count(bytes.get(), "byte"));
        return 0;
    }

    /** Writes a connection's input back to it; closes it when both directions are done. */
    static void echo(TcpConnection conn, AtomicLong bytes) {
        conn.outbound(MoiraiReactor.toFlux(conn.inbound()).doOnNext(b -> bytes.addAndGet(b.remaining())))
                .toCompletableFuture()
                .whenComplete((done, error) -> conn.close());
    }
}

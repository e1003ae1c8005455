package io.moirai.examples.cli;

import io.moirai.Moirai;
import io.moirai.examples.http.HttpServer;
import io.moirai.examples.http.Limits;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code http-server}: a minimal HTTP/1.1 server (keep-alive, pipelining) answering
 * {@code GET /plaintext} and {@code GET /json} in the style of the TechEmpower tests, for load tests
 * with {@code wrk}. Binds to 127.0.0.1 unless told otherwise. Serves until {@code --duration} passes or
 * it is stopped (Ctrl-C, SIGTERM: {@link #stop()}), then prints the connections, requests and bytes
 * served.
 */
@Command(name = "http-server", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "HTTP/1.1 server for wrk: GET /plaintext and GET /json.")
public final class HttpServerCommand implements Callable<Integer>, LongRunning {

    private static final String NAME = "http-server";

    @Mixin
    ServeOptions serve;

    @Option(names = "--max-connections", defaultValue = "10000", converter = Bounded.PositiveInt.class,
            description = "Connections served at once, at least 1; more are answered 503 and closed (default: 10,000).")
    int maxConnections;

    @Option(names = "--header-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "Time a request head may take from its first byte; slower clients are closed (default: 10s).")
    Duration headerTimeout;

    @Option(names = "--idle-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "Time a kept-alive connection may wait for its next request (default: 30s).")
    Duration idleTimeout;

    @Option(names = "--write-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "Time the responses to one read may take to go out; a client that stops reading is closed (default: 30s).")
    Duration writeTimeout;

    @Option(names = "--max-body", defaultValue = "1048576", converter = Bounded.NonNegativeLong.class,
            description = "Largest request body in bytes, at least 0; larger ones are answered 413 (default: 1,048,576).")
    long maxBody;

    @Spec
    CommandSpec spec;

    /** Stops serving: the command prints its summary and returns 0 (Ctrl-C and SIGTERM call this). */
    @Override
    public void stop() {
        serve.stop();
    }

    @Override
    public Integer call() throws Exception {
        Limits limits = new Limits(maxConnections, headerTimeout, idleTimeout, writeTimeout, maxBody);
        Report report = new Report(spec.commandLine().getOut(), NAME);
        HttpServer stopped;
        try (Moirai moirai = serve.runtime("http").build();
                HttpServer server = HttpServer.start(moirai, serve.address(), limits)) {
            serve.serve(report, NAME, server.localAddress());
            stopped = server;
        }
        report.line(NAME, "served %s, %s, received %s, sent %s; refused %s at the limit; closed %s by a timeout",
                Report.count(stopped.connectionsAccepted(), "connection"), Report.count(stopped.requestsServed(), "request"),
                Report.count(stopped.bytesReceived(), "byte"), Report.count(stopped.bytesSent(), "byte"),
                Report.count(stopped.connectionsRefused(), "connection"), Report.count(stopped.connectionsTimedOut()));
        return 0;
    }
}

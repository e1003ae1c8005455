package io.moirai.examples.cli;

import io.moirai.Moirai;
import io.moirai.examples.http.HttpServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code http-server}: a minimal HTTP/1.1 server (keep-alive, pipelining) answering
 * {@code GET /plaintext} and {@code GET /json} in the style of the TechEmpower tests, for load tests
 * with {@code wrk}. Binds to 127.0.0.1 unless told otherwise.
 */
@Command(name = "http-server", mixinStandardHelpOptions = true,
        description = "HTTP/1.1 server for wrk: GET /plaintext and GET /json.")
public final class HttpServerCommand implements Callable<Integer> {

    @Mixin
    ServeOptions serve;

    @Option(names = "--max-connections", defaultValue = "10000",
            description = "Connections served at once; more wait in the kernel's backlog (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (maxConnections < 1) {
            throw new ParameterException(spec.commandLine(), "--max-connections must be at least 1, got " + maxConnections);
        }
        PrintWriter out = spec.commandLine().getOut();
        long served;
        try (Moirai moirai = serve.runtime("http").build();
                HttpServer server = HttpServer.start(moirai, serve.address(), maxConnections)) {
            serve.serve("http-server", server.localAddress(), out);
            served = server.requestsServed();
        }
        out.println("http-server: served " + served + " request(s)");
        out.flush();
        return 0;
    }
}

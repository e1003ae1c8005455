package io.moirai.benchmarks.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.reactivestreams.Publisher;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The reactor-netty peer of the Moirai HTTP server ({@code examples}' {@code http-server} command) for
 * {@code benchmarks/http-load.sh}: the same two responses with the same headers, written the way a
 * performance-minded reactor-netty user writes them.
 *
 * <ul>
 *   <li>{@code GET /plaintext}: {@code 200}, {@code Content-Type: text/plain}, {@code Hello, World!};
 *       {@code GET /json}: {@code 200}, {@code Content-Type: application/json},
 *       {@code {"message":"Hello, World!"}} (serialized once, as the Moirai server does);
 *       {@code HEAD}: the same headers, no body; other methods {@code 405}; other paths {@code 404}.
 *   <li>Every response: {@code Server}, {@code Date} (IMF-fixdate, rebuilt at most once per second),
 *       {@code Content-Type}, {@code Content-Length}. The server name is {@code netty} (the Moirai
 *       server says {@code moirai}: one byte more per response).
 *   <li>Bodies are duplicates of unreleasable direct buffers (no copy, no allocation of content per
 *       request), sent with {@code sendObject}; routing is a switch on the path in one
 *       {@code handle} function (cheaper than {@code route}'s matchers). Keep-alive, pipelining, and
 *       the 400/431 answers to malformed or oversized requests are reactor-netty's own.
 * </ul>
 *
 * <p><b>Threads.</b> {@code LoopResources.create("netty-peer", selectCount, loops, true)}:
 * {@code --loops N} event loops (default 1) serve the connections; {@code --select-threads S}
 * (default 0) adds S dedicated accept threads, 0 meaning the event loops accept too, as Moirai's
 * I/O thread does. The native transport (epoll) is used when available, reactor-netty's default;
 * {@code --native false} forces NIO, the selector Moirai uses. The handler runs on the event loop
 * that owns the connection.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.moirai.benchmarks.http.NettyHttpPeer
 * --port P [--host 127.0.0.1] [--loops 1] [--select-threads 0] [--native true]}. Prints one line
 * {@code listening on host:port} once bound, then serves until the process is stopped.
 */
public final class NettyHttpPeer {

    private static final AsciiString SERVER_NAME = AsciiString.cached("netty");
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
    private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    private static final AsciiString ALLOWED = AsciiString.cached("GET, HEAD");
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private static final Body PLAINTEXT = new Body("Hello, World!", TEXT_PLAIN);
    private static final Body JSON = new Body(json("message", "Hello, World!"), APPLICATION_JSON);
    private static final Body NOT_FOUND = new Body("Not Found", TEXT_PLAIN);
    private static final Body METHOD_NOT_ALLOWED = new Body("Method Not Allowed", TEXT_PLAIN);

    private static volatile CachedDate date = new CachedDate(System.currentTimeMillis());

    private NettyHttpPeer() {}

    /**
     * @param args {@code --port P} and the options above
     * @throws InterruptedException if interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        String host = "127.0.0.1";
        int port = -1;
        int loops = 1;
        int selectThreads = 0;
        boolean preferNative = true;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                System.out.println("usage: NettyHttpPeer --port P [--host 127.0.0.1] [--loops 1] [--select-threads 0] [--native true]");
                return;
            }
            if (i + 1 >= args.length) {
                usage("missing value for " + option);
            }
            String value = args[++i];
            try {
                switch (option) {
                    case "--host" -> host = value;
                    case "--port" -> port = Integer.parseInt(value);
                    case "--loops" -> loops = Integer.parseInt(value);
                    case "--select-threads" -> selectThreads = Integer.parseInt(value);
                    case "--native" -> preferNative = Boolean.parseBoolean(value);
                    default -> usage("unknown option " + option);
                }
            } catch (NumberFormatException e) {
                usage("not a number for " + option + ": " + value);
            }
        }
        if (port < 0 || port > 65535 || loops < 1 || selectThreads < 0) {
            usage("need --port 0..65535, --loops >= 1, --select-threads >= 0");
        }

        LoopResources resources = selectThreads == 0
                ? LoopResources.create("netty-peer", loops, true)
                : LoopResources.create("netty-peer", selectThreads, loops, true);
        DisposableServer server = HttpServer.create()
                .host(host)
                .port(port)
                .runOn(resources, preferNative)
                .handle(NettyHttpPeer::handle)
                .bindNow();
        System.out.println("listening on " + host + ":" + server.port() + " (reactor-netty, " + loops
                + " event loop(s), " + selectThreads + " select thread(s), native " + preferNative + ")");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.disposeNow();
            resources.dispose();
            stopped.countDown();
        }, "netty-peer-shutdown"));
        stopped.await();
    }

    private static void usage(String problem) {
        System.err.println("NettyHttpPeer: " + problem);
        System.err.println("usage: NettyHttpPeer --port P [--host 127.0.0.1] [--loops 1] [--select-threads 0] [--native true]");
        System.exit(2);
    }

    private static Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        String uri = request.uri(); // the request target as sent
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        Body body;
        HttpResponseStatus status = HttpResponseStatus.OK;
        HttpMethod method = request.method();
        boolean head = method.equals(HttpMethod.HEAD);
        switch (path) {
            case "/plaintext" -> body = PLAINTEXT;
            case "/json" -> body = JSON;
            default -> {
                body = NOT_FOUND;
                status = HttpResponseStatus.NOT_FOUND;
            }
        }
        if (status == HttpResponseStatus.OK && !head && !method.equals(HttpMethod.GET)) {
            body = METHOD_NOT_ALLOWED;
            status = HttpResponseStatus.METHOD_NOT_ALLOWED;
        }
        HttpHeaders headers = response.status(status).responseHeaders();
        headers.set(HttpHeaderNames.SERVER, SERVER_NAME)
                .set(HttpHeaderNames.DATE, currentDate())
                .set(HttpHeaderNames.CONTENT_TYPE, body.type)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (status == HttpResponseStatus.METHOD_NOT_ALLOWED) {
            headers.set(HttpHeaderNames.ALLOW, ALLOWED);
        }
        if (head) {
            return response.send(); // headers only; the Content-Length set above is kept
        }
        return response.sendObject(body.content.duplicate());
    }

    private static AsciiString currentDate() {
        CachedDate d = date;
        long now = System.currentTimeMillis();
        if (now >= d.expires || now < d.expires - 1000) {
            d = new CachedDate(now);
            date = d;
        }
        return d.value;
    }

    /** Minimal JSON object of string members, escaping as RFC 8259 requires (as the Moirai server's). */
    static String json(String name, String value) {
        return "{" + jsonString(name) + ":" + jsonString(value) + "}";
    }

    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A response body: content in an unreleasable direct buffer, its type and length. */
    private static final class Body {
        final ByteBuf content;
        final AsciiString type;
        final AsciiString length;

        Body(String text, AsciiString type) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            this.content = Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes));
            this.type = type;
            this.length = AsciiString.of(Integer.toString(bytes.length));
        }
    }

    /** The {@code Date} value of one second. */
    private static final class CachedDate {
        final long expires;
        final AsciiString value;

        CachedDate(long now) {
            long second = Math.floorDiv(now, 1000L) * 1000L;
            this.expires = second + 1000L;
            this.value = AsciiString.of(IMF_FIXDATE.format(Instant.ofEpochMilli(second)));
        }
    }
}

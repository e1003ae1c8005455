package io.moirai.examples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP server in process on an ephemeral port, each test with its own runtime (2 workers):
 * answered by {@link HttpClient} and by raw sockets for what a client library hides (pipelining,
 * malformed input, connection handling).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpServerTest {

    private static final int TIMEOUT_MS = 10_000;
    /** Used only to show that something does NOT happen. */
    private static final int QUIET_MS = 500;
    private static final String JSON = "{\"message\":\"Hello, World!\"}";

    private Moirai moirai;
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        moirai = Moirai.builder().workerThreads(2).build();
        server = HttpServer.start(moirai, loopback(), 1024);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        moirai.close();
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path);
    }

    // ------------------------------------------------------------------ java.net.http.HttpClient

    @Test
    void plaintextAndJsonWithTheirHeaders() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<String> plain = client.send(HttpRequest.newBuilder(uri("/plaintext")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).isEqualTo("Hello, World!");
        assertThat(plain.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(plain.headers().firstValue("content-length")).hasValue("13");
        assertThat(plain.headers().firstValue("server")).hasValue("moirai");
        assertDate(plain.headers().firstValue("date").orElseThrow());

        HttpResponse<String> json = client.send(HttpRequest.newBuilder(uri("/json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.body()).isEqualTo(JSON);
        assertThat(json.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(json.headers().firstValue("content-length")).hasValue(String.valueOf(JSON.length()));
        assertThat(json.headers().firstValue("server")).hasValue("moirai");
        assertDate(json.headers().firstValue("date").orElseThrow());

        HttpResponse<String> query = client.send(HttpRequest.newBuilder(uri("/plaintext?x=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(query.body()).isEqualTo("Hello, World!");
        assertThat(server.requestsServed()).isEqualTo(3);
    }

    private static void assertDate(String value) {
        ZonedDateTime date = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(value).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
        assertThat(Duration.between(date.toInstant(), java.time.Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void unknownPathIs404AndOtherMethodsAre405() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<String> missing = client.send(HttpRequest.newBuilder(uri("/nothing-here")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("server")).hasValue("moirai");

        HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri("/plaintext"))
                .POST(HttpRequest.BodyPublishers.ofString("some body")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");

        HttpResponse<String> delete = client.send(HttpRequest.newBuilder(uri("/json")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).isEqualTo(405);

        // the POST body was skipped: the connection still works
        HttpResponse<String> after = client.send(HttpRequest.newBuilder(uri("/json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(after.body()).isEqualTo(JSON);
    }

    @Test
    void headHasTheHeadersOfGetAndNoBody() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(uri("/plaintext"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("content-length")).hasValue("13");
        assertThat(head.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(head.body()).isEmpty();

        // over a raw socket: exactly the head, and the next response follows it directly
        try (Socket s = connect()) {
            write(s, "HEAD /json HTTP/1.1\r\nHost: x\r\n\r\nGET /json HTTP/1.1\r\nHost: x\r\n\r\n");
            Response r = readResponse(s.getInputStream(), true);
            assertThat(r.status).isEqualTo(200);
            assertThat(r.headers.get("content-length")).isEqualTo(String.valueOf(JSON.length()));
            assertThat(readResponse(s.getInputStream(), false).body).isEqualTo(JSON);
        }
    }

    @Test
    void keepAliveReusesOneConnection() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri(i % 2 == 0 ? "/plaintext" : "/json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("connection")).isEmpty(); // HTTP/1.1: keep-alive is the default
        }
        assertThat(server.connectionsAccepted()).isEqualTo(1);
        assertThat(server.openConnections()).isEqualTo(1);
        assertThat(server.requestsServed()).isEqualTo(5);
    }

    // ------------------------------------------------------------------ raw sockets

    @Test
    void countsConnectionsRequestsAndTheBytesEachWay() throws Exception {
        String requests = "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\nGET /json HTTP/1.1\r\nHost: x\r\n\r\n";
        byte[] answered;
        try (Socket s = connect()) {
            write(s, requests);
            s.shutdownOutput(); // both answered, then FIN
            answered = s.getInputStream().readAllBytes();
        }
        // each read is counted before its responses are handed to the socket, so the client saw them after
        assertThat(new String(answered, StandardCharsets.ISO_8859_1)).contains("Hello, World!").contains(JSON);
        assertThat(server.connectionsAccepted()).isEqualTo(1);
        assertThat(server.requestsServed()).isEqualTo(2);
        assertThat(server.bytesReceived()).isEqualTo(requests.length());
        assertThat(server.bytesSent()).isEqualTo(answered.length);
    }

    @Test
    void pipelinedRequestsInOneWriteAreAllAnsweredInOrder() throws Exception {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            requests.append("GET ").append(i % 2 == 0 ? "/plaintext" : "/json").append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
        }
        try (Socket s = connect()) {
            write(s, requests.toString());
            InputStream in = s.getInputStream();
            for (int i = 0; i < 16; i++) {
                Response r = readResponse(in, false);
                assertThat(r.status).as("response %d", i).isEqualTo(200);
                assertThat(r.body).as("response %d", i).isEqualTo(i % 2 == 0 ? "Hello, World!" : JSON);
            }
            // and the connection is still usable
            write(s, "GET /json HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(readResponse(in, false).body).isEqualTo(JSON);
        }
        assertThat(server.requestsServed()).isEqualTo(17);
    }

    @Test
    void manyPipelinedRequestsAcrossReadsKeepTheirOrder() throws Exception {
        int n = 2_000; // more than one read's worth, requests split across read boundaries
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < n; i++) {
            requests.append("GET /").append(i % 3 == 0 ? "json" : i % 3 == 1 ? "plaintext" : "missing")
                    .append(" HTTP/1.1\r\nHost: localhost\r\nX-Index: ").append(i).append("\r\n\r\n");
        }
        try (Socket s = connect()) {
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                Future<?> written = writer.submit(() -> {
                    write(s, requests.toString()); // concurrently: the server's replies must not block our write
                    return null;
                });
                InputStream in = s.getInputStream();
                for (int i = 0; i < n; i++) {
                    Response r = readResponse(in, false);
                    int expected = i % 3 == 2 ? 404 : 200;
                    assertThat(r.status).as("response %d", i).isEqualTo(expected);
                    if (i % 3 == 0) {
                        assertThat(r.body).isEqualTo(JSON);
                    } else if (i % 3 == 1) {
                        assertThat(r.body).isEqualTo("Hello, World!");
                    }
                }
                written.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } finally {
                writer.shutdownNow();
            }
        }
    }

    @Test
    @SuppressWarnings("try") // closes a resource early on purpose, or holds one only to keep it open
    void aClientThatDoesNotReadIsNotReadFrom() throws Exception {
        byte[] chunk = "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n".repeat(100).getBytes(StandardCharsets.US_ASCII);
        long limit = 256L * 1024 * 1024; // without backpressure the server would read all of it
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        try (Socket s = connect()) {
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    while (written.get() < limit) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException closed) {
                    // the test closed the socket
                }
            }, "non-reading-client");
            writer.start();
            writer.join(2 * QUIET_MS); // bounded wait: proves the writes stall, not that something happens
            assertThat(writer.isAlive()).as("the client's writes are held back").isTrue();
            long stalledAt = written.get();
            assertThat(stalledAt).isLessThan(limit / 4); // socket buffers, a read and a batch: a few MiB
            s.close();
            writer.join(TIMEOUT_MS);
            assertThat(writer.isAlive()).isFalse();
        }
    }

    @Test
    void aRequestSentByteByByteIsAnswered() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            for (byte b : "GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
            }
            assertThat(readResponse(s.getInputStream(), false).body).isEqualTo("Hello, World!");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GARBAGE\r\n\r\n",                                                   // no target, no version
        "GET /plaintext\r\nHost: x\r\n\r\n",                                 // no version
        "GET  /plaintext HTTP/1.1\r\nHost: x\r\n\r\n",                       // two spaces
        "GET /plaintext HTTP/2.0\r\nHost: x\r\n\r\n",                        // not HTTP/1.x
        "GET /plaintext FTP/1.1\r\nHost: x\r\n\r\n",
        "GET /plaintext HTTP/1.1\r\nHost x\r\n\r\n",                         // header without a colon
        "GET /plaintext HTTP/1.1\r\nHost : x\r\n\r\n",                       // space before the colon
        "GET /plaintext HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",             // obsolete line folding
        "GET /plaintext HTTP/1.1\r\nHost: x\r\nX: a\u0001b\r\n\r\n",         // control character
        "GET /plaintext HTTP/1.1\r\n\r\n",                                   // HTTP/1.1 without Host
        "GET /plaintext HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",             // two Hosts
        "POST /plaintext HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "POST /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: 12a\r\n\r\n",
        "POST /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    })
    void aMalformedRequestGets400AndTheConnectionCloses(String request) throws Exception {
        try (Socket s = connect()) {
            // a valid request first, answered before the bad one; nothing after the bad one is answered
            write(s, "GET /json HTTP/1.1\r\nHost: x\r\n\r\n" + request + "GET /json HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = s.getInputStream();
            assertThat(readResponse(in, false).status).isEqualTo(200);
            Response bad = readResponse(in, false);
            assertThat(bad.status).isEqualTo(400);
            assertThat(bad.headers.get("connection")).isEqualTo("close");
            assertThat(in.read()).as("end of stream after the 400").isEqualTo(-1);
        }
    }

    @Test
    void aHeadOver8KiBGets431AndTheConnectionCloses() throws Exception {
        String big = "GET /plaintext HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9_000) + "\r\n\r\n";
        try (Socket s = connect()) {
            write(s, big);
            InputStream in = s.getInputStream();
            Response r = readResponse(in, false);
            assertThat(r.status).isEqualTo(431);
            assertThat(r.headers.get("connection")).isEqualTo("close");
            assertThat(in.read()).isEqualTo(-1);
        }
        // the same, arriving in small pieces (the parser's partial head reaches its limit)
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            byte[] bytes = big.getBytes(StandardCharsets.US_ASCII);
            InputStream in = s.getInputStream();
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                writer.submit(() -> {
                    for (int at = 0; at < bytes.length; at += 100) {
                        out.write(bytes, at, Math.min(100, bytes.length - at));
                        out.flush();
                    }
                    return null;
                });
                assertThat(readResponse(in, false).status).isEqualTo(431);
                assertThat(in.read()).isEqualTo(-1);
            } finally {
                writer.shutdownNow();
            }
        }
        // a head of almost 8 KiB is fine
        String large = "GET /plaintext HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(8_000) + "\r\n\r\n";
        try (Socket s = connect()) {
            write(s, large);
            assertThat(readResponse(s.getInputStream(), false).status).isEqualTo(200);
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (Socket s = connect()) {
            write(s, "GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    + "GET /json HTTP/1.1\r\nHost: x\r\n\r\n"); // pipelined after the close: not answered
            InputStream in = s.getInputStream();
            Response r = readResponse(in, false);
            assertThat(r.status).isEqualTo(200);
            assertThat(r.body).isEqualTo("Hello, World!");
            assertThat(r.headers.get("connection")).isEqualTo("close");
            assertThat(in.read()).isEqualTo(-1);
        }
        try (Socket s = connect()) { // a list of options, any case
            write(s, "GET /json HTTP/1.1\r\nHost: x\r\nConnection: TE, Close\r\n\r\n");
            InputStream in = s.getInputStream();
            assertThat(readResponse(in, false).headers.get("connection")).isEqualTo("close");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveWasAsked() throws Exception {
        try (Socket s = connect()) {
            write(s, "GET /plaintext HTTP/1.0\r\n\r\n");
            InputStream in = s.getInputStream();
            Response r = readResponse(in, false);
            assertThat(r.status).isEqualTo(200);
            assertThat(r.headers.get("connection")).isEqualTo("close");
            assertThat(in.read()).isEqualTo(-1);
        }
        try (Socket s = connect()) {
            InputStream in = s.getInputStream();
            for (int i = 0; i < 3; i++) {
                write(s, "GET /json HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
                Response r = readResponse(in, false);
                assertThat(r.body).isEqualTo(JSON);
                assertThat(r.headers.get("connection")).isEqualTo("keep-alive");
            }
        }
    }

    @Test
    void aBodyWithContentLengthIsSkipped() throws Exception {
        try (Socket s = connect()) {
            InputStream in = s.getInputStream();
            // a GET with a body, then a request in the same write
            String body = "GET /json HTTP/1.1\r\n\r\n";
            write(s, "GET /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                    + "GET /json HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(in, false).body).isEqualTo("Hello, World!");
            assertThat(readResponse(in, false).body).isEqualTo(JSON); // the fake request was body

            // a POST whose body arrives in pieces, across reads
            write(s, "POST /json HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n" + "b".repeat(3_000));
            Response post = readResponse(in, false);
            assertThat(post.status).isEqualTo(405);
            write(s, "b".repeat(7_000) + "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(in, false).body).isEqualTo("Hello, World!");
        }
    }

    @Test
    void twoHundredConcurrentClientsOfTwentyRequestsAreAllAnswered() throws Exception {
        int clients = 200;
        int requests = 20;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch allConnected = new CountDownLatch(clients);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    try (Socket s = connect()) {
                        allConnected.countDown();
                        allConnected.await(TIMEOUT_MS, TimeUnit.MILLISECONDS); // all open at once
                        InputStream in = s.getInputStream();
                        int ok = 0;
                        for (int i = 0; i < requests; i++) {
                            boolean json = (client + i) % 2 == 0;
                            write(s, "GET " + (json ? "/json" : "/plaintext") + " HTTP/1.1\r\nHost: x\r\n\r\n");
                            Response r = readResponse(in, false);
                            if (r.status == 200 && r.body.equals(json ? JSON : "Hello, World!")) {
                                ok++;
                            }
                        }
                        return ok;
                    }
                }));
            }
            int answered = 0;
            for (Future<Integer> f : results) {
                answered += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(answered).isEqualTo(clients * requests);
            assertThat(server.requestsServed()).isEqualTo((long) clients * requests);
            assertThat(server.connectionsAccepted()).isEqualTo(clients);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @SuppressWarnings("try") // closes a resource early on purpose, or holds one only to keep it open
    void aClientBeyondTheConnectionLimitIsRefusedAtOnce() throws Exception {
        server.close();
        server = HttpServer.start(moirai, loopback(), 2);
        try (Socket first = connect(); Socket second = connect()) {
            for (Socket s : List.of(first, second)) {
                write(s, "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(readResponse(s.getInputStream(), false).status).isEqualTo(200);
            }
            assertThat(server.openConnections()).isEqualTo(2);

            try (Socket third = connect()) { // not left hanging in the backlog: answered and closed
                Response busy = readResponse(third.getInputStream(), false);
                assertThat(busy.status).isEqualTo(503);
                assertThat(busy.headers).containsEntry("connection", "close");
                assertThat(third.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(server.connectionsRefused()).isEqualTo(1);

            first.close(); // frees a slot once the server saw the end of the connection
            eventually(() -> server.openConnections() < 2);
            try (Socket fourth = connect()) {
                write(fourth, "GET /json HTTP/1.1\r\nHost: x\r\n\r\n");
                Response r = readResponse(fourth.getInputStream(), false);
                assertThat(r.status).isEqualTo(200);
                assertThat(r.body).isEqualTo(JSON);
            }
            write(second, "GET /json HTTP/1.1\r\nHost: x\r\n\r\n"); // the second connection still works
            assertThat(readResponse(second.getInputStream(), false).body).isEqualTo(JSON);
        }
    }

    @Test
    void aSlowRequestHeadIsCutOffByTheHeaderTimeout() throws Exception {
        server.close();
        server = HttpServer.start(moirai, loopback(),
                new Limits(16, Duration.ofMillis(300), Duration.ofSeconds(60), Duration.ofSeconds(60), 1024));
        try (Socket loris = connect(); Socket idleFromTheStart = connect()) {
            write(loris, "GET /plaintext HTTP/1.1\r\nHo"); // and never the rest, as a slow-loris client
            assertThat(loris.getInputStream().read()).as("closed with no answer").isEqualTo(-1);
            assertThat(idleFromTheStart.getInputStream().read()).as("no first request either").isEqualTo(-1);
            assertThat(server.connectionsTimedOut()).isEqualTo(2);
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedByTheIdleTimeout() throws Exception {
        server.close();
        server = HttpServer.start(moirai, loopback(),
                new Limits(16, Duration.ofSeconds(60), Duration.ofMillis(300), Duration.ofSeconds(60), 1024));
        try (Socket idle = connect()) {
            for (int i = 0; i < 3; i++) { // requests well within the timeout keep it open
                write(idle, "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(readResponse(idle.getInputStream(), false).status).isEqualTo(200);
            }
            assertThat(idle.getInputStream().read()).as("closed once idle").isEqualTo(-1);
            assertThat(server.connectionsTimedOut()).isEqualTo(1);
        }
    }

    @Test
    void aClientThatStopsReadingIsCutOffByTheWriteTimeout() throws Exception {
        server.close();
        server = HttpServer.start(moirai, loopback(),
                new Limits(16, Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMillis(300), 1024));
        try (Socket s = connect()) {
            s.setReceiveBufferSize(4096); // small, so that unread responses fill it quickly
            OutputStream out = s.getOutputStream();
            byte[] burst = "GET /json HTTP/1.1\r\nHost: x\r\n\r\n".repeat(4096).getBytes(StandardCharsets.ISO_8859_1);
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                writer.submit(() -> { // pipelines requests and never reads the responses
                    for (int i = 0; i < 64; i++) {
                        out.write(burst);
                    }
                    return null;
                });
                eventually(() -> server.connectionsTimedOut() == 1);
                eventually(() -> server.openConnections() == 0);
            } finally {
                writer.shutdownNow();
            }
        }
    }

    @Test
    void aBodyOverTheLimitIsAnswered413() throws Exception {
        server.close();
        server = HttpServer.start(moirai, loopback(), Limits.DEFAULTS.withMaxConnections(16));
        try (Socket s = connect()) {
            write(s, "GET /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\n");
            Response r = readResponse(s.getInputStream(), false);
            assertThat(r.status).isEqualTo(413);
            assertThat(r.headers).containsEntry("connection", "close");
        }
        try (Socket s = connect()) { // at the limit: accepted and skipped
            write(s, "GET /plaintext HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /json HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(s.getInputStream(), false).status).isEqualTo(200);
            assertThat(readResponse(s.getInputStream(), false).body).isEqualTo(JSON);
        }
    }

    @Test
    void closeStopsAcceptingAndClosesOpenConnections() throws Exception {
        try (Socket s = connect()) {
            write(s, "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(s.getInputStream(), false).status).isEqualTo(200);
            InetSocketAddress address = server.localAddress();
            server.close();
            assertThat(server.openConnections()).isZero();
            int end;
            try {
                end = s.getInputStream().read();
            } catch (IOException reset) {
                end = -1; // a close with nothing unread is a FIN, but a reset is a close too
            }
            assertThat(end).isEqualTo(-1);
            // nothing is served any more: the connection is refused, or (while the listening socket's
            // close reaches the I/O thread) lands in the backlog and is reset when the socket goes
            int first;
            try (Socket late = new Socket(address.getAddress(), address.getPort())) {
                late.setSoTimeout(TIMEOUT_MS);
                write(late, "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
                first = late.getInputStream().read();
            } catch (IOException refusedOrReset) {
                first = -1;
            }
            assertThat(first).as("no response after close()").isEqualTo(-1);
        }
        server.close(); // idempotent
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void startRejectsBadArguments() {
        assertThatThrownBy(() -> HttpServer.start(moirai, loopback(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> HttpServer.start(null, loopback(), 1))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("moirai");
        assertThatThrownBy(() -> HttpServer.start(moirai, null, 1))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("address");
    }

    // ------------------------------------------------------------------ units

    @Test
    void dateIsImfFixdate() {
        assertThat(ResponseCache.httpDate(784_111_777_000L)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(ResponseCache.httpDate(0L)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
    }

    @Test
    void jsonEscapes() {
        assertThat(ResponseCache.JSON_BODY).isEqualTo(JSON);
        assertThat(Json.object("a\"b", "c\\d\n\u0001é")).isEqualTo("{\"a\\\"b\":\"c\\\\d\\n\\u0001é\"}");
    }

    @Test
    void parserKeepsAtMost8KiBOfAnIncompleteHead() {
        RequestParser parser = new RequestParser();
        List<String> seen = new ArrayList<>();
        RequestParser.Sink sink = new RequestParser.Sink() {
            @Override
            public void requestParsed(int method, int route, boolean keepAlive, boolean http10) {
                seen.add("request " + method + " " + route + " " + keepAlive + " " + http10);
            }

            @Override
            public void malformed(int kind) {
                seen.add("error " + kind);
            }
        };
        parser.feed(ascii("GET /json HTTP/1.1\r\nHost: x\r\nX: " + "y".repeat(4_000)), sink);
        assertThat(parser.bufferedBytes()).isBetween(4_000, RequestParser.MAX_HEAD);
        parser.feed(ascii("y".repeat(4_000)), sink);
        assertThat(parser.bufferedBytes()).isLessThanOrEqualTo(RequestParser.MAX_HEAD);
        assertThat(seen).isEmpty();
        parser.feed(ascii("y".repeat(4_000)), sink);
        assertThat(seen).containsExactly("error " + ResponseCache.HEADERS_TOO_LARGE);
        assertThat(parser.bufferedBytes()).isZero();
        assertThat(parser.isDone()).isTrue();

        RequestParser lf = new RequestParser();
        seen.clear();
        lf.feed(ascii("\r\nHEAD /plaintext HTTP/1.1\nhost: x\nconnection: keep-alive, CLOSE\n\n"), sink);
        assertThat(seen).containsExactly("request " + RequestParser.HEAD + " " + RequestParser.PLAINTEXT + " false false");
    }

    /** Polls a condition the server reaches on its own threads, failing after {@link #TIMEOUT_MS}. */
    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition not met within " + TIMEOUT_MS + " ms").isNegative();
            Thread.sleep(10);
        }
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    // ------------------------------------------------------------------ a minimal HTTP/1.1 client

    private Socket connect() throws IOException {
        Socket s = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
        s.setSoTimeout(TIMEOUT_MS);
        s.setTcpNoDelay(true);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private record Response(int status, Map<String, String> headers, String body) {}

    /** Reads one response; {@code head}: the response to a HEAD request (no body whatever the length). */
    private static Response readResponse(InputStream in, boolean head) throws IOException {
        String statusLine = readLine(in);
        assertThat(statusLine).startsWith("HTTP/1.1 ");
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new HashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.get("content-length"));
        String body = "";
        if (!head) {
            byte[] bytes = in.readNBytes(length);
            if (bytes.length < length) {
                throw new EOFException("body cut short: " + bytes.length + " of " + length);
            }
            body = new String(bytes, StandardCharsets.UTF_8);
        }
        return new Response(status, headers, body);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("end of stream inside a response (" + line + ")");
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}

package io.moirai.examples.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Every response the server can send, as ready-made bytes, rebuilt at most once per second so that
 * the {@code Date} header stays current: a response costs one array lookup (and a copy when several
 * are batched), never formatting.
 *
 * <p>Each response carries {@code Server: moirai}, {@code Date} (IMF-fixdate, the fixed-length form of
 * RFC 1123 that RFC 9110 requires: {@code Sun, 06 Nov 1994 08:49:37 GMT}), {@code Content-Type} and
 * {@code Content-Length}; a {@code 405} adds {@code Allow}. A {@code HEAD} variant has the same headers
 * and no body. The connection variant adds nothing (HTTP/1.1 keep-alive, the default),
 * {@code Connection: keep-alive} (HTTP/1.0 keep-alive) or {@code Connection: close}.
 *
 * <p><b>Threads.</b> Any thread. The responses live in an immutable {@link Snapshot} published through
 * a volatile field; the first caller that finds it a second old builds the next one (two callers may
 * both build one at a second's turn: harmless, both are correct).
 */
final class ResponseCache {

    /** Kinds of response. */
    static final int PLAINTEXT = 0;
    static final int JSON = 1;
    static final int NOT_FOUND = 2;
    static final int METHOD_NOT_ALLOWED = 3;
    static final int BAD_REQUEST = 4;
    static final int HEADERS_TOO_LARGE = 5;
    static final int PAYLOAD_TOO_LARGE = 6;
    static final int SERVICE_UNAVAILABLE = 7;
    private static final int KINDS = 8;

    /** Connection variants: HTTP/1.1 keep-alive (no header), HTTP/1.0 keep-alive, close. */
    static final int KEEP_ALIVE_DEFAULT = 0;
    static final int KEEP_ALIVE_EXPLICIT = 1;
    static final int CLOSE = 2;
    private static final int CONNECTION_VARIANTS = 3;

    /** The body of {@code GET /plaintext}. */
    static final String PLAINTEXT_BODY = "Hello, World!";
    /** The body of {@code GET /json}. */
    static final String JSON_BODY = Json.object("message", "Hello, World!");

    /** Status line, content type and body of each kind, indexed by kind. */
    private static final String[][] RESPONSES = {
        {"200 OK", "text/plain", PLAINTEXT_BODY},
        {"200 OK", "application/json", JSON_BODY},
        {"404 Not Found", "text/plain", "Not Found"},
        {"405 Method Not Allowed", "text/plain", "Method Not Allowed"},
        {"400 Bad Request", "text/plain", "Bad Request"},
        {"431 Request Header Fields Too Large", "text/plain", "Request Header Fields Too Large"},
        {"413 Content Too Large", "text/plain", "Content Too Large"},
        {"503 Service Unavailable", "text/plain", "Service Unavailable: too many connections"},
    };

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private volatile Snapshot current = build(System.currentTimeMillis());

    /**
     * @return the responses for the current second
     */
    Snapshot snapshot() {
        Snapshot s = current;
        long now = System.currentTimeMillis();
        if (now >= s.expires || now < s.expires - 1000) { // the next second, or the clock went back
            s = build(now);
            current = s;
        }
        return s;
    }

    /**
     * @param millis the time, in milliseconds since the epoch
     * @return the {@code Date} header's value for that time
     */
    static String httpDate(long millis) {
        return IMF_FIXDATE.format(Instant.ofEpochMilli(millis));
    }

    private static Snapshot build(long now) {
        long second = Math.floorDiv(now, 1000L) * 1000L;
        String date = httpDate(second);
        byte[][] responses = new byte[KINDS * 2 * CONNECTION_VARIANTS][];
        for (int kind = 0; kind < KINDS; kind++) {
            for (int conn = 0; conn < CONNECTION_VARIANTS; conn++) {
                responses[Snapshot.index(kind, false, conn)] = render(kind, false, conn, date);
                responses[Snapshot.index(kind, true, conn)] = render(kind, true, conn, date);
            }
        }
        return new Snapshot(second + 1000L, date, responses);
    }

    private static byte[] render(int kind, boolean head, int connection, String date) {
        if (kind < 0 || kind >= KINDS) {
            throw new IllegalArgumentException("kind " + kind);
        }
        String[] r = RESPONSES[kind];
        String status = r[0];
        String type = r[1];
        String body = r[2];
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(192)
                .append("HTTP/1.1 ").append(status).append("\r\n")
                .append("Server: moirai\r\n")
                .append("Date: ").append(date).append("\r\n")
                .append("Content-Type: ").append(type).append("\r\n")
                .append("Content-Length: ").append(content.length).append("\r\n");
        if (kind == METHOD_NOT_ALLOWED) {
            h.append("Allow: GET, HEAD\r\n");
        }
        if (connection == KEEP_ALIVE_EXPLICIT) {
            h.append("Connection: keep-alive\r\n");
        } else if (connection == CLOSE) {
            h.append("Connection: close\r\n");
        }
        h.append("\r\n");
        byte[] headBytes = h.toString().getBytes(StandardCharsets.US_ASCII);
        if (head) {
            return headBytes;
        }
        byte[] all = new byte[headBytes.length + content.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(content, 0, all, headBytes.length, content.length);
        return all;
    }

    /** The responses of one second. Immutable; the arrays must not be modified. */
    static final class Snapshot {
        final long expires;
        final String date;
        private final byte[][] responses;

        private Snapshot(long expires, String date, byte[][] responses) {
            this.expires = expires;
            this.date = date;
            this.responses = responses;
        }

        private static int index(int kind, boolean head, int connection) {
            return (kind * 2 + (head ? 1 : 0)) * CONNECTION_VARIANTS + connection;
        }

        /**
         * @param kind one of the kind constants
         * @param head whether the request was {@code HEAD} (no body)
         * @param connection one of the connection variants
         * @return the response bytes; shared, never to be modified
         */
        byte[] get(int kind, boolean head, int connection) {
            return responses[index(kind, head, connection)];
        }
    }
}

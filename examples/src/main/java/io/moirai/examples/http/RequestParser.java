package io.moirai.examples.http;

import java.nio.ByteBuffer;

/**
 * An incremental HTTP/1.x request parser for one connection: fed the bytes of each read, it reports
 * every complete request of them in order (pipelining), skips request bodies framed by
 * {@code Content-Length}, and keeps at most {@value #MAX_HEAD} bytes of a request head that is still
 * incomplete. Nothing else is buffered: bodies are skipped as they arrive, and a complete head is
 * parsed where it lies in the read buffer, without a copy.
 *
 * <p><b>What it accepts</b> (RFC 9112, strictly where laxness would be ambiguous): a request line
 * {@code method SP request-target SP HTTP/1.d}; header lines {@code token ":" OWS value OWS}; lines
 * ending in CRLF or a bare LF; empty lines before a request line are ignored. It answers
 * {@link ResponseCache#BAD_REQUEST} for anything else, including obsolete line folding, control
 * characters in a value, a version other than HTTP/1.x, an invalid or conflicting
 * {@code Content-Length}, any {@code Transfer-Encoding} (request bodies of unknown length are not
 * supported) and an HTTP/1.1 request without exactly one {@code Host}. A head longer than
 * {@value #MAX_HEAD} bytes gets {@link ResponseCache#HEADERS_TOO_LARGE}; a {@code Content-Length} over
 * the body limit gets {@link ResponseCache#PAYLOAD_TOO_LARGE}. After an error, or after a
 * request that does not keep the connection alive, the parser ignores all further input.
 *
 * <p><b>Threads.</b> Not thread-safe: one connection's reads, one at a time (they arrive on its I/O
 * thread, serially).
 */
final class RequestParser {

    /** The largest request head accepted, request line and blank line included. */
    static final int MAX_HEAD = 8 * 1024;

    /** Methods. */
    static final int GET = 0;
    static final int HEAD = 1;
    static final int OTHER_METHOD = 2;

    /** Routes. */
    static final int PLAINTEXT = 0;
    static final int JSON = 1;
    static final int UNKNOWN_ROUTE = 2;

    /** Receives the parser's findings, in input order. */
    interface Sink {
        /**
         * A complete request head (its body, if any, is skipped afterwards).
         *
         * @param method {@link #GET}, {@link #HEAD} or {@link #OTHER_METHOD}
         * @param route {@link #PLAINTEXT}, {@link #JSON} or {@link #UNKNOWN_ROUTE}
         * @param keepAlive whether the connection stays open after the response
         * @param http10 whether the request was HTTP/1.0 (keep-alive must then be confirmed)
         */
        void requestParsed(int method, int route, boolean keepAlive, boolean http10);

        /**
         * The input is not a request this parser accepts; nothing more will be reported.
         *
         * @param kind {@link ResponseCache#BAD_REQUEST}, {@link ResponseCache#HEADERS_TOO_LARGE} or
         *     {@link ResponseCache#PAYLOAD_TOO_LARGE}
         */
        void malformed(int kind);
    }

    private static final int NOTHING = 0; // only empty lines
    private static final int REQUEST = 1;
    private static final int BAD = 2;
    private static final int TOO_LARGE = 3;

    /** The largest request body accepted unless the server says otherwise (bodies are skipped). */
    static final long DEFAULT_MAX_BODY = 1024 * 1024;

    private static final byte[] HOST = bytes("host");
    private static final byte[] CONNECTION = bytes("connection");
    private static final byte[] CONTENT_LENGTH = bytes("content-length");
    private static final byte[] TRANSFER_ENCODING = bytes("transfer-encoding");
    private static final byte[] CLOSE = bytes("close");
    private static final byte[] KEEP_ALIVE = bytes("keep-alive");
    private static final byte[] PLAINTEXT_PATH = bytes("/plaintext");
    private static final byte[] JSON_PATH = bytes("/json");
    /** tchar (RFC 9110 §5.6.2) by byte value. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    /** The largest {@code Content-Length} accepted; a larger one is answered with {@code 413}. */
    private final long maxBody;

    /** An incomplete head carried over to the next read; null when there is none. */
    private byte[] partial;
    private int partialLength;
    /** Where the search for the end of the partial head resumes. */
    private int partialScanned;
    /** Body bytes of the last request still to skip. */
    private long bodyRemaining;
    private boolean done;

    // the last head parsed
    private int method;
    private int route;
    private boolean keepAlive;
    private boolean http10;

    /** A parser that accepts bodies up to {@link #DEFAULT_MAX_BODY}. */
    RequestParser() {
        this(DEFAULT_MAX_BODY);
    }

    /** @param maxBody the largest request body accepted, in bytes (at least 0) */
    RequestParser(long maxBody) {
        this.maxBody = maxBody;
    }

    /** @return whether part of a request (head or body) has arrived and the rest has not */
    boolean midRequest() {
        return partialLength > 0 || bodyRemaining > 0;
    }

    /** @return whether the parser stopped (after an error or a request that closes the connection) */
    boolean isDone() {
        return done;
    }

    /** @return bytes held for an incomplete head (at most {@value #MAX_HEAD}) */
    int bufferedBytes() {
        return partialLength;
    }

    /**
     * Consumes {@code in} entirely, reporting what it completes.
     *
     * @param in the bytes of one read
     * @param sink where requests and errors go
     */
    void feed(ByteBuffer in, Sink sink) {
        while (!done) {
            if (bodyRemaining > 0) {
                int skip = (int) Math.min(bodyRemaining, in.remaining());
                in.position(in.position() + skip);
                bodyRemaining -= skip;
                if (bodyRemaining > 0) {
                    return;
                }
            }
            if (!in.hasRemaining()) {
                return;
            }
            if (partialLength > 0 || !in.hasArray()) {
                if (!continuePartial(in, sink)) {
                    return;
                }
                continue;
            }
            byte[] a = in.array();
            int from = in.arrayOffset() + in.position();
            int limit = in.arrayOffset() + in.limit();
            int end = findHeadEnd(a, from, Math.min(limit, from + MAX_HEAD));
            if (end < 0) {
                if (limit - from >= MAX_HEAD) {
                    fail(sink, ResponseCache.HEADERS_TOO_LARGE);
                    return;
                }
                partial = new byte[MAX_HEAD];
                partialLength = limit - from;
                partialScanned = 0;
                in.get(partial, 0, partialLength);
                return;
            }
            in.position(end - in.arrayOffset());
            deliver(parseHead(a, from, end), sink);
        }
    }

    /** Appends to the partial head; returns true if a head was completed (and delivered). */
    private boolean continuePartial(ByteBuffer in, Sink sink) {
        if (partial == null) {
            partial = new byte[MAX_HEAD];
        }
        int before = partialLength;
        int n = Math.min(MAX_HEAD - before, in.remaining());
        in.get(partial, before, n);
        partialLength = before + n;
        int end = findHeadEnd(partial, partialScanned, partialLength);
        if (end < 0) {
            if (partialLength == MAX_HEAD) {
                fail(sink, ResponseCache.HEADERS_TOO_LARGE);
            } else {
                partialScanned = Math.max(0, partialLength - 2); // a LF there may start the blank line
            }
            return false;
        }
        in.position(in.position() - (partialLength - end)); // give back what follows the head
        byte[] head = partial;
        partial = null;
        partialLength = 0;
        partialScanned = 0;
        deliver(parseHead(head, 0, end), sink);
        return true;
    }

    private void deliver(int result, Sink sink) {
        if (result == BAD) {
            fail(sink, ResponseCache.BAD_REQUEST);
        } else if (result == TOO_LARGE) {
            fail(sink, ResponseCache.PAYLOAD_TOO_LARGE);
        } else if (result == REQUEST) {
            if (!keepAlive) {
                done = true;
            }
            sink.requestParsed(method, route, keepAlive, http10);
        }
    }

    private void fail(Sink sink, int kind) {
        done = true;
        partial = null;
        partialLength = 0;
        sink.malformed(kind);
    }

    /**
     * @return the index just past the blank line that ends a head in {@code a[from, to)}, or -1 if
     *     there is none yet
     */
    static int findHeadEnd(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] == '\n') {
                if (i + 1 < to && a[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < to && a[i + 1] == '\r' && a[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    /** Parses the complete head {@code a[start, end)} (which ends with its blank line) into the fields. */
    private int parseHead(byte[] a, int start, int end) {
        int p = start;
        while (p < end) { // empty lines before the request line are ignored (RFC 9112 §2.2)
            if (a[p] == '\n') {
                p++;
            } else if (a[p] == '\r' && p + 1 < end && a[p + 1] == '\n') {
                p += 2;
            } else {
                break;
            }
        }
        if (p == end) {
            return NOTHING;
        }

        // request line: method SP request-target SP HTTP-version
        int lineEnd = indexOf(a, '\n', p, end);
        int contentEnd = a[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
        int methodStart = p;
        while (p < contentEnd && isTchar(a[p])) {
            p++;
        }
        int methodEnd = p;
        if (methodEnd == methodStart || p >= contentEnd || a[p] != ' ') {
            return BAD;
        }
        int targetStart = ++p;
        while (p < contentEnd && a[p] > ' ' && a[p] != 0x7F) {
            p++;
        }
        int targetEnd = p;
        if (targetEnd == targetStart || p >= contentEnd || a[p] != ' ') {
            return BAD;
        }
        p++;
        if (contentEnd - p != 8 || a[p] != 'H' || a[p + 1] != 'T' || a[p + 2] != 'T' || a[p + 3] != 'P'
                || a[p + 4] != '/' || a[p + 5] != '1' || a[p + 6] != '.' || a[p + 7] < '0' || a[p + 7] > '9') {
            return BAD; // not HTTP/1.x
        }
        boolean v10 = a[p + 7] == '0';

        // header fields
        int hosts = 0;
        long contentLength = -1;
        boolean close = false;
        boolean keepAliveToken = false;
        p = lineEnd + 1;
        for (;;) {
            lineEnd = indexOf(a, '\n', p, end);
            contentEnd = lineEnd > p && a[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (contentEnd == p) {
                break; // the blank line
            }
            int nameStart = p;
            while (p < contentEnd && isTchar(a[p])) {
                p++;
            }
            int nameEnd = p;
            if (nameEnd == nameStart || p >= contentEnd || a[p] != ':') {
                return BAD; // includes obs-fold (a line starting with whitespace) and "name :"
            }
            p++;
            while (p < contentEnd && (a[p] == ' ' || a[p] == '\t')) {
                p++;
            }
            int valueStart = p;
            int valueEnd = contentEnd;
            while (valueEnd > valueStart && (a[valueEnd - 1] == ' ' || a[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            for (int i = valueStart; i < valueEnd; i++) {
                byte b = a[i];
                if ((b >= 0 && b < ' ' && b != '\t') || b == 0x7F) {
                    return BAD; // control characters, a stray CR among them
                }
            }
            switch (nameEnd - nameStart) {
                case 4 -> {
                    if (nameIs(a, nameStart, nameEnd, HOST)) {
                        hosts++;
                    }
                }
                case 10 -> {
                    if (nameIs(a, nameStart, nameEnd, CONNECTION)) {
                        int options = connectionOptions(a, valueStart, valueEnd);
                        close |= (options & 1) != 0;
                        keepAliveToken |= (options & 2) != 0;
                    }
                }
                case 14 -> {
                    if (nameIs(a, nameStart, nameEnd, CONTENT_LENGTH)) {
                        long length = decimal(a, valueStart, valueEnd);
                        if (length < 0 || (contentLength >= 0 && contentLength != length)) {
                            return BAD;
                        }
                        contentLength = length;
                    }
                }
                case 17 -> {
                    if (nameIs(a, nameStart, nameEnd, TRANSFER_ENCODING)) {
                        return BAD; // bodies of unknown length are not supported
                    }
                }
                default -> {
                    // not needed
                }
            }
            p = lineEnd + 1;
        }
        if (hosts > 1 || (!v10 && hosts == 0)) {
            return BAD; // RFC 9112 §3.2
        }

        int m = methodEnd - methodStart;
        if (m == 3 && a[methodStart] == 'G' && a[methodStart + 1] == 'E' && a[methodStart + 2] == 'T') {
            method = GET;
        } else if (m == 4 && a[methodStart] == 'H' && a[methodStart + 1] == 'E' && a[methodStart + 2] == 'A'
                && a[methodStart + 3] == 'D') {
            method = HEAD;
        } else {
            method = OTHER_METHOD;
        }
        int pathEnd = indexOf(a, '?', targetStart, targetEnd);
        if (pathEnd < 0) {
            pathEnd = targetEnd;
        }
        if (regionIs(a, targetStart, pathEnd, PLAINTEXT_PATH)) {
            route = PLAINTEXT;
        } else if (regionIs(a, targetStart, pathEnd, JSON_PATH)) {
            route = JSON;
        } else {
            route = UNKNOWN_ROUTE;
        }
        if (contentLength > maxBody) {
            return TOO_LARGE; // answered and closed: its body is never read
        }
        http10 = v10;
        keepAlive = !close && (!v10 || keepAliveToken);
        bodyRemaining = Math.max(contentLength, 0);
        return REQUEST;
    }

    /** @return bit 1 for a {@code close} option, bit 2 for {@code keep-alive} */
    private static int connectionOptions(byte[] a, int from, int to) {
        int options = 0;
        int p = from;
        while (p < to) {
            int comma = indexOf(a, ',', p, to);
            int tokenEnd = comma < 0 ? to : comma;
            int s = p;
            int e = tokenEnd;
            while (s < e && (a[s] == ' ' || a[s] == '\t')) {
                s++;
            }
            while (e > s && (a[e - 1] == ' ' || a[e - 1] == '\t')) {
                e--;
            }
            if (nameIs(a, s, e, CLOSE)) {
                options |= 1;
            } else if (nameIs(a, s, e, KEEP_ALIVE)) {
                options |= 2;
            }
            p = tokenEnd + 1;
        }
        return options;
    }

    /** @return the value of 1 to 18 decimal digits, or -1 if it is anything else */
    private static long decimal(byte[] a, int from, int to) {
        if (to == from || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static boolean isTchar(byte b) {
        return b >= 0 && TCHAR[b];
    }

    /** ASCII case-insensitive comparison with a lower-case name. */
    private static boolean nameIs(byte[] a, int from, int to, byte[] lower) {
        if (to - from != lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            int b = a[from + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean regionIs(byte[] a, int from, int to, byte[] expected) {
        if (to - from != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (a[from + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] a, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}

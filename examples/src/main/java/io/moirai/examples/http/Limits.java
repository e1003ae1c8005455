package io.moirai.examples.http;

import java.time.Duration;
import java.util.Objects;

/**
 * What an {@link HttpServer} allows each client, so that no client can hold the server's memory or
 * its connection slots for long: how many connections are served at once (the next ones are refused
 * with {@code 503}), how long a request head may take to arrive once it began (slow clients are cut
 * off), how long a kept-alive connection may sit idle, how long the responses to one read may take to
 * go out (a client that stops reading is cut off), and the largest request body accepted
 * ({@code 413} beyond it).
 *
 * <p>Immutable; any thread.
 *
 * @param maxConnections the most connections served at once, at least 1
 * @param headerTimeout how long a request head may take, from its first byte (or from the connection's
 *     start, for the first request); positive
 * @param idleTimeout how long a kept-alive connection may wait for its next request; positive
 * @param writeTimeout how long the responses to one read may take to be written (the client must be
 *     reading them); positive
 * @param maxBodyBytes the largest {@code Content-Length} accepted, at least 0
 */
public record Limits(int maxConnections, Duration headerTimeout, Duration idleTimeout, Duration writeTimeout,
        long maxBodyBytes) {

    /**
     * The defaults: 10,000 connections, a 10 s header timeout, a 30 s idle timeout, a 30 s write
     * timeout, 1 MiB bodies.
     */
    public static final Limits DEFAULTS = new Limits(10_000, Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(30), RequestParser.DEFAULT_MAX_BODY);

    /**
     * @throws IllegalArgumentException if a value is out of range (the message names it)
     * @throws NullPointerException if a duration is null
     */
    public Limits {
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
        if (headerTimeout.isNegative() || headerTimeout.isZero()) {
            throw new IllegalArgumentException("headerTimeout must be positive, got " + headerTimeout);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        if (writeTimeout.isNegative() || writeTimeout.isZero()) {
            throw new IllegalArgumentException("writeTimeout must be positive, got " + writeTimeout);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 0, got " + maxBodyBytes);
        }
    }

    /** @return these limits with another connection limit */
    public Limits withMaxConnections(int n) {
        return new Limits(n, headerTimeout, idleTimeout, writeTimeout, maxBodyBytes);
    }
}

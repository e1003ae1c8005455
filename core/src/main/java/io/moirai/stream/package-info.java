/**
 * Backpressured streams on the runtime's compute workers: {@link io.moirai.stream.Channel}, a bounded
 * many-producer channel whose receiver is a publisher, and {@link io.moirai.stream.Streams}, publishers
 * over iterables and an ordered parallel map.
 */
package io.moirai.stream;

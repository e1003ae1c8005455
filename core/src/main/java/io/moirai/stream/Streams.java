package io.moirai.stream;

import io.moirai.Moirai;
import io.moirai.internal.runtime.RuntimeAccess;
import io.moirai.internal.stream.IterablePublisher;
import io.moirai.internal.stream.ParallelMapPublisher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.reactivestreams.Publisher;

/**
 * Publishers that turn iterables and data-parallel work into backpressured streams on the runtime's
 * compute workers.
 *
 * <p>Threads: the factory methods may be called from any thread. The publishers they return are cold
 * (each subscriber gets its own run) and signal their subscribers on the compute workers, one signal
 * at a time (§1.3).
 *
 * <p>JDK Flow: {@code org.reactivestreams.FlowAdapters.toFlowPublisher(..)} turns any of them into a
 * {@code java.util.concurrent.Flow.Publisher}, and {@code FlowAdapters.toPublisher(flowPublisher)} makes
 * a {@code Flow.Publisher} the source of {@link #parallelMap}.
 */
public final class Streams {

    private Streams() {}

    /**
     * The items of an iterable, emitted on the compute workers as demand arrives, in batches of at
     * most 1,024 per turn so that one subscriber cannot hold a worker. Each subscriber gets its own
     * iterator, created on a worker at its first turn. An iterator that throws, or a null element
     * (§2.13), ends the subscriber with {@code onError}; an empty iterable completes without demand.
     *
     * @param moirai the runtime whose workers emit
     * @param items the items; iterated on the compute workers, one call at a time
     * @param <T> the item type
     * @return a cold publisher of the items
     * @throws NullPointerException if an argument is null
     */
    public static <T> Publisher<T> fromIterable(Moirai moirai, Iterable<? extends T> items) {
        Objects.requireNonNull(moirai, "moirai");
        Objects.requireNonNull(items, "items");
        return new IterablePublisher<>(RuntimeAccess.of(moirai), items);
    }

    /**
     * A few items, as a cold publisher: {@code Streams.of(moirai, "a", "b")}. Emitted as
     * {@link #fromIterable} emits them.
     *
     * @param moirai the runtime whose workers emit
     * @param items the items (copied; none may be null, §2.13)
     * @param <T> the item type
     * @return a cold publisher of the items, in order
     * @throws NullPointerException if {@code moirai}, {@code items} or one of the items is null
     */
    @SafeVarargs
    public static <T> Publisher<T> of(Moirai moirai, T... items) {
        Objects.requireNonNull(items, "items");
        return fromIterable(moirai, List.of(items));
    }

    /**
     * The bytes of an array as a one-buffer stream, for example the output of a connection:
     * {@code conn.outbound(Streams.bytes(moirai, payload))}. The array is copied now; each subscriber
     * gets a buffer of its own over that copy, so writing it (which moves its position) never affects
     * another subscriber.
     *
     * @param moirai the runtime whose workers emit
     * @param bytes the bytes (copied)
     * @return a cold publisher of one read-only buffer
     * @throws NullPointerException if an argument is null
     */
    public static Publisher<ByteBuffer> bytes(Moirai moirai, byte[] bytes) {
        byte[] copy = Objects.requireNonNull(bytes, "bytes").clone();
        return fromIterable(moirai, () -> List.of(ByteBuffer.wrap(copy).asReadOnlyBuffer()).iterator());
    }

    /**
     * The UTF-8 bytes of a string as a one-buffer stream: {@code conn.outbound(Streams.bytes(moirai,
     * "hello\n"))}. See {@link #bytes(Moirai, byte[])}.
     *
     * @param moirai the runtime whose workers emit
     * @param text the text, encoded as UTF-8
     * @return a cold publisher of one read-only buffer
     * @throws NullPointerException if an argument is null
     */
    public static Publisher<ByteBuffer> bytes(Moirai moirai, String text) {
        return bytes(moirai, Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Maps the items of {@code source} on the compute workers, with at most {@code parallelism} calls
     * of {@code mapper} in flight, and emits the results in source order.
     *
     * <p><b>Backpressure and memory.</b> The source is asked for a window of
     * {@code max(1024, 16 x parallelism)} items (rounded up to a power of two) and then for more only
     * as results are emitted, so at most one window of items and results is held, whatever the
     * mapper's speed or the subscriber's demand.
     *
     * <p><b>Errors.</b> If {@code mapper} throws (or returns null, §2.13), the source is cancelled,
     * pending results are dropped and the subscriber receives {@code onError} with that exception.
     * If the source fails, the results of the items it sent before are emitted first, then
     * {@code onError}. Cancelling the subscription stops new mapper calls at once and cancels the
     * source.
     *
     * @param moirai the runtime whose workers map and emit
     * @param source the items to map; subscribed once per subscriber
     * @param mapper the mapping, called on the compute workers, concurrently with itself
     * @param parallelism the most mapper calls in flight, at least 1
     * @param <T> the source's item type
     * @param <R> the result type
     * @return a cold publisher of the mapped items, in source order
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code parallelism < 1} (the message names the value)
     */
    public static <T, R> Publisher<R> parallelMap(Moirai moirai, Publisher<? extends T> source,
            Function<? super T, ? extends R> mapper, int parallelism) {
        Objects.requireNonNull(moirai, "moirai");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(mapper, "mapper");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        return new ParallelMapPublisher<>(RuntimeAccess.of(moirai), source, mapper, parallelism);
    }
}

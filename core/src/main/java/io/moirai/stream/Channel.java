package io.moirai.stream;

import io.moirai.Moirai;
import io.moirai.internal.runtime.RuntimeAccess;
import io.moirai.internal.stream.ChannelCore;
import io.moirai.task.TaskHandle;
import java.util.Objects;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;

/**
 * A bounded channel: many producers send items, one subscriber receives them with backpressure.
 *
 * <p><b>Sending.</b> {@link #trySend} puts an item into the buffer if it has room and returns at
 * once; {@link #send} returns a handle that completes once the item is in the buffer, waiting (without
 * holding any thread) while the buffer is full; {@link #asSubscriber()} feeds the channel from any
 * Reactive Streams publisher, requesting only what fits. Items of one producer arrive in the order it
 * sent them: while a {@code send} waits, {@code trySend} returns {@code false} and later sends queue
 * behind it. Memory is bounded by the capacity plus the sends that are waiting (and, for the
 * {@code asSubscriber} source, at most one more capacity's worth).
 *
 * <p><b>Receiving.</b> {@link #receiver()} is a unicast publisher: its subscriber gets the items in
 * the order they entered the buffer, only as it requests them, in batches on the compute workers,
 * one signal at a time (§1.3), never recursively (a {@code request} inside {@code onNext} returns at
 * once, §3.3). Items sent before the subscriber arrives wait in the buffer.
 *
 * <p><b>Ending.</b> {@link #close()} and {@link #fail(Throwable)} stop new sends; the subscriber first
 * receives everything sent before (including sends that were waiting), then {@code onComplete} or
 * {@code onError}. A send that reports success (a {@code true} from {@code trySend}, a completed
 * handle) is always delivered, even when it raced with {@code close}. If the subscriber cancels, the
 * buffer is dropped, waiting sends fail with {@code IllegalStateException} and later sends are
 * refused. A runtime shutdown ends the subscriber with {@code onError(CancellationException)} and
 * cancels waiting sends.
 *
 * <p><b>JDK Flow.</b> With the Reactive Streams jar's {@code org.reactivestreams.FlowAdapters}:
 * {@code FlowAdapters.toFlowPublisher(channel.receiver())} is the receiving side as a
 * {@code Flow.Publisher}, and {@code flowPublisher.subscribe(FlowAdapters.toFlowSubscriber(channel.asSubscriber()))}
 * feeds the channel from one (a {@code SubmissionPublisher}, say), with the same backpressure.
 *
 * <p><b>Threads.</b> Every method may be called from any thread, concurrently.
 *
 * @param <T> the item type
 */
public final class Channel<T> {

    private final ChannelCore<T> core;

    private Channel(ChannelCore<T> core) {
        this.core = core;
    }

    /**
     * Creates a channel.
     *
     * @param moirai the runtime whose compute workers deliver the items
     * @param capacity how many items the buffer holds, at least 1
     * @param <T> the item type
     * @return an open channel with an empty buffer
     * @throws NullPointerException if {@code moirai} is null
     * @throws IllegalArgumentException if {@code capacity < 1} (the message names the value)
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is shut down
     */
    public static <T> Channel<T> bounded(Moirai moirai, int capacity) {
        Objects.requireNonNull(moirai, "moirai");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        return new Channel<>(new ChannelCore<>(RuntimeAccess.of(moirai), capacity));
    }

    /**
     * Puts an item into the buffer if it has room and no {@link #send} is waiting.
     *
     * @param item the item
     * @return {@code true} if the item was accepted (it will be delivered); {@code false} if the buffer
     *     is full (or the channel was closed at that very moment: then the item is not delivered and a
     *     retry throws)
     * @throws NullPointerException if {@code item} is null (§2.13); nothing is enqueued
     * @throws IllegalStateException if the channel was closed or failed, or its receiver cancelled
     */
    public boolean trySend(T item) {
        return core.trySend(item);
    }

    /**
     * Sends an item, waiting for room without holding a thread.
     *
     * @param item the item
     * @return a handle that completes (with {@code null}) once the item is in the buffer; it fails with
     *     {@code IllegalStateException} if the channel was closed first or its receiver cancelled.
     *     Cancelling the handle before the item entered the buffer withdraws the item (a cancel that
     *     returns {@code true} guarantees it is never delivered)
     * @throws NullPointerException if {@code item} is null (§2.13); nothing is enqueued
     */
    public TaskHandle<Void> send(T item) {
        return core.send(item);
    }

    /** Stops new sends; the subscriber receives what was sent, then {@code onComplete}. Idempotent. */
    public void close() {
        core.close();
    }

    /**
     * Stops new sends; the subscriber receives what was sent, then {@code onError(error)}. Has no
     * effect if the channel was already closed or failed.
     *
     * @param error the error to deliver
     * @throws NullPointerException if {@code error} is null
     */
    public void fail(Throwable error) {
        core.fail(error);
    }

    /** @return whether the channel takes no more sends (closed, failed, receiver cancelled or shutdown) */
    public boolean isClosed() {
        return core.isClosed();
    }

    /** @return the buffer's capacity */
    public int capacity() {
        return core.capacity();
    }

    /**
     * The receiving side. Unicast: the first subscriber (of any publisher this method returns)
     * receives the items; a later one receives {@code onSubscribe} then
     * {@code onError(IllegalStateException)}.
     *
     * @return the publisher of the channel's items
     */
    public Publisher<T> receiver() {
        return core;
    }

    /**
     * A subscriber that feeds this channel: it requests as many items as the buffer holds, then more
     * as the receiver drains them, so a Reactor {@code Flux} or RxJava {@code Flowable} can produce
     * into the channel with backpressure. The same subscriber is returned on every call, and it takes
     * one source: a second {@code onSubscribe}, or one after the channel closed, is cancelled (§2.5)
     * and an {@code IllegalStateException} saying so goes to the runtime's dropped-error handler, so a
     * refused source is never dropped silently (to feed from several sources, merge them upstream,
     * or {@code send} from each). Its
     * {@code onComplete} closes the channel and its {@code onError} fails it; when the channel ends
     * otherwise (closed by another producer, receiver cancelled) its subscription is cancelled. A
     * source that sends more than it was asked for (§1.1) fails the channel with
     * {@code IllegalStateException}. From Reactor or RxJava, prefer the adapters'
     * {@code toSubscriber(channel)}, which the library takes as its own kind of subscriber (no per-item
     * {@code StrictSubscriber} guard).
     *
     * @return the feeding subscriber
     */
    public Subscriber<T> asSubscriber() {
        return core.asSubscriber();
    }

    @Override
    public String toString() {
        return core.toString();
    }
}

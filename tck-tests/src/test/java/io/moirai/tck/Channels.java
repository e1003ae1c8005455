package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.stream.Channel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Test fixture of the {@link Channel} verifications: one Moirai runtime (two compute workers) and
 * the channels the TCK classes hand out, all of {@link #CAPACITY} items. One instance per test
 * class: create it in {@code @BeforeClass}, call {@link #stopProducers()} in {@code @AfterMethod} and
 * {@link #close()} in {@code @AfterClass}.
 *
 * <ul>
 *   <li>{@link #receiverOf(long)}: the receiver of a channel that a {@link ChannelProducer} feeds
 *       with {@code n} items through {@link Channel#send}, then closes. The producer is started
 *       before the receiver is handed out, so up to {@link #CAPACITY} items already wait in the
 *       channel when the TCK subscribes, and the rest follow as the subscriber's demand drains it.
 *       The fixture keeps every producer, hence its channel, reachable until
 *       {@link #stopProducers()}: the §3.13 test then really checks that the channel drops its
 *       cancelled subscriber, rather than passing because the whole channel became garbage.</li>
 *   <li>{@link #failedReceiver(Moirai)}: the receiver of a channel that was
 *       {@linkplain Channel#fail failed} before anyone subscribed.</li>
 *   <li>{@link #drainedChannelSubscriber(Consumer)}: the {@link Channel#asSubscriber()} of a fresh
 *       channel whose receiver is already subscribed with unbounded demand, so whatever the
 *       subscriber puts into the channel is taken out at once and the subscriber keeps requesting.</li>
 * </ul>
 *
 * <p>Threads: the factory methods are called by the TCK's test thread; the producers are kept in a
 * concurrent queue so that {@link #stopProducers()} and {@link #close()} may run on any thread.
 */
final class Channels implements AutoCloseable {

    /** Capacity of every channel made here. */
    static final int CAPACITY = 16;

    private final Moirai moirai;
    private final Queue<ChannelProducer> producers = new ConcurrentLinkedQueue<>();

    /** @param name names the runtime's threads ({@code tck-<name>-...}), for thread dumps */
    Channels(String name) {
        this.moirai = Moirai.builder().workerThreads(2).threadNamePrefix("tck-" + name).build();
    }

    /** @return the runtime of this fixture's channels */
    Moirai moirai() {
        return moirai;
    }

    /**
     * @param items the number of items the producer sends before it closes the channel, 0 to
     *     {@code Integer.MAX_VALUE}
     * @return the receiver of a fresh channel fed with {@code 0, 1, ..., items - 1}, then closed
     */
    Publisher<Integer> receiverOf(long items) {
        Channel<Integer> channel = Channel.bounded(moirai, CAPACITY);
        ChannelProducer producer = new ChannelProducer(moirai, channel, items);
        producers.add(producer);
        producer.start();
        return channel.receiver();
    }

    /**
     * @param moirai the runtime of the channel
     * @return the receiver of a fresh channel that was failed (with an {@link IllegalStateException})
     *     before this method returns: its subscriber gets {@code onSubscribe}, then {@code onError}
     *     with that error, whether it requests or not
     */
    static Publisher<Integer> failedReceiver(Moirai moirai) {
        Channel<Integer> channel = Channel.bounded(moirai, CAPACITY);
        channel.fail(new IllegalStateException("TCK: the channel was failed on purpose"));
        return channel.receiver();
    }

    /**
     * @param violations told about every protocol violation the receiver's drain sees (the TCK
     *     classes pass their environment's {@code flop}, which records it as an asynchronous error)
     * @return {@link Channel#asSubscriber()} of a fresh channel whose receiver has unbounded demand
     */
    Subscriber<Integer> drainedChannelSubscriber(Consumer<String> violations) {
        Channel<Integer> channel = Channel.bounded(moirai, CAPACITY);
        channel.receiver().subscribe(new Drain(channel, violations));
        return channel.asSubscriber();
    }

    /** Stops every producer made since the last call (see {@link ChannelProducer#stop()}). */
    void stopProducers() {
        ChannelProducer producer;
        while ((producer = producers.poll()) != null) {
            producer.stop();
        }
    }

    /** Stops the producers and closes the runtime. */
    @Override
    public void close() {
        stopProducers();
        moirai.close();
    }

    /**
     * Takes everything out of a channel as fast as it arrives: it requests {@code Long.MAX_VALUE} in
     * {@code onSubscribe} and discards the items. On the way it checks what a receiver of items that
     * the TCK's helper publisher numbered {@code 0, 1, 2, ...} must see: {@code onSubscribe} first
     * and once (§1.9, §2.12), items in increasing order (a channel keeps the order of its senders,
     * and the subscriber under test is its only sender), and nothing after a terminal signal (§1.7).
     *
     * <p>Threads: the channel signals it serially (§1.3) from its drain; the fields are volatile
     * only so that a violation report made from any of those threads sees the latest state.
     */
    private static final class Drain implements Subscriber<Integer> {
        private final Channel<Integer> channel;
        private final Consumer<String> violations;
        private volatile boolean subscribed;
        private volatile boolean terminated;
        private volatile long last = -1;

        Drain(Channel<Integer> channel, Consumer<String> violations) {
            this.channel = channel;
            this.violations = violations;
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            if (subscribed) {
                violations.accept("§2.12: the receiver of " + channel + " called onSubscribe twice");
                subscription.cancel();
                return;
            }
            subscribed = true;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Integer item) {
            check("onNext(" + item + ")");
            if (item == null || item <= last) {
                violations.accept("the receiver of " + channel + " got " + item + " after " + last
                        + ": the channel must keep the order its subscriber received the items in");
            } else {
                last = item;
            }
        }

        @Override
        public void onError(Throwable error) {
            check("onError(" + error + ")");
            terminated = true;
        }

        @Override
        public void onComplete() {
            check("onComplete()");
            terminated = true;
        }

        private void check(String signal) {
            if (!subscribed) {
                violations.accept("§1.9: the receiver of " + channel + " signalled " + signal + " before onSubscribe");
            }
            if (terminated) {
                violations.accept("§1.7: the receiver of " + channel + " signalled " + signal + " after a terminal signal");
            }
        }
    }
}

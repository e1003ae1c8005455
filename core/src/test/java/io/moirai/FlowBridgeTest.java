package io.moirai;

import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.net.NetBuffer;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.stream.Channel;
import io.moirai.stream.Streams;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.FlowAdapters;

/**
 * The JDK's {@link Flow} through the one-line bridge of the Reactive Streams jar ({@link FlowAdapters}):
 * every kind of Moirai publisher to a {@link Flow.Subscriber}, and {@link SubmissionPublisher} into
 * Moirai's subscribers (outbound, send, a channel's feed, a parallel map's source). No Moirai API of its
 * own is involved.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FlowBridgeTest {

    private static final long WAIT_SECONDS = 10;

    private Moirai moirai;

    @BeforeEach
    void start() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("flow")).build();
    }

    @AfterEach
    void stop() {
        moirai.close();
    }

    /** A plain {@link Flow.Subscriber}: requests in batches of 16, collects, and completes a future. */
    static final class FlowCollector<T> implements Flow.Subscriber<T> {
        final CompletableFuture<List<T>> done = new CompletableFuture<>();
        private final List<T> items = new ArrayList<>();
        private final long limit;
        private Flow.Subscription subscription;
        private int outstanding;

        FlowCollector() {
            this(Long.MAX_VALUE);
        }

        /** Cancels after {@code limit} items and completes with them. */
        FlowCollector(long limit) {
            this.limit = limit;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            outstanding = 16;
            s.request(16);
        }

        @Override
        public void onNext(T item) {
            items.add(item);
            if (items.size() == limit) {
                subscription.cancel();
                done.complete(List.copyOf(items));
                return;
            }
            if (--outstanding == 0) {
                outstanding = 16;
                subscription.request(16);
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(List.copyOf(items));
        }

        List<T> await() throws Exception {
            return done.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTaskHandleIsAFlowPublisher() throws Exception {
        FlowCollector<Integer> value = new FlowCollector<>();
        FlowAdapters.toFlowPublisher(moirai.spawn(() -> 6 * 7)).subscribe(value);
        assertThat(value.await()).containsExactly(42);

        FlowCollector<Object> empty = new FlowCollector<>();
        FlowAdapters.toFlowPublisher(moirai.spawn(() -> null)).subscribe(empty);
        assertThat(empty.await()).isEmpty();
    }

    @Test
    void aSubmissionPublisherFeedsAChannelWhoseReceiverIsAFlowPublisher() throws Exception {
        Channel<Integer> channel = Channel.bounded(moirai, 32);
        FlowCollector<Integer> received = new FlowCollector<>();
        FlowAdapters.toFlowPublisher(channel.receiver()).subscribe(received);
        try (SubmissionPublisher<Integer> source = new SubmissionPublisher<>()) {
            source.subscribe(FlowAdapters.toFlowSubscriber(channel.asSubscriber()));
            for (int i = 0; i < 5_000; i++) {
                source.submit(i); // blocks this thread while the channel has no room: backpressure
            }
        } // close(): the channel completes after its items
        assertThat(received.await()).hasSize(5_000).startsWith(0, 1, 2).endsWith(4_999);
    }

    @Test
    void streamsAreFlowPublishersAndTakeAFlowSource() throws Exception {
        FlowCollector<Integer> fromIterable = new FlowCollector<>();
        FlowAdapters.toFlowPublisher(Streams.fromIterable(moirai, List.of(1, 2, 3))).subscribe(fromIterable);
        assertThat(fromIterable.await()).containsExactly(1, 2, 3);

        FlowCollector<Integer> mapped = new FlowCollector<>();
        try (SubmissionPublisher<Integer> source = new SubmissionPublisher<>()) {
            FlowAdapters.toFlowPublisher(Streams.parallelMap(moirai, FlowAdapters.toPublisher(source), i -> i * 10, 4))
                    .subscribe(mapped);
            for (int i = 0; i < 1_000; i++) {
                source.submit(i);
            }
        }
        assertThat(mapped.await()).isEqualTo(IntStream.range(0, 1_000).map(i -> i * 10).boxed().toList());

        FlowCollector<Long> ticks = new FlowCollector<>(3);
        FlowAdapters.toFlowPublisher(moirai.interval(Duration.ofMillis(5))).subscribe(ticks);
        assertThat(ticks.await()).hasSize(3);
    }

    @Test
    void tcpPublishersAndSubscribersBridgeBothWays() throws Exception {
        try (TcpListener listener = TcpListener.bind(moirai, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            // the listener's connections as a Flow.Publisher, served by an echo
            FlowAdapters.toFlowPublisher(listener.connections()).subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(TcpConnection c) {
                    c.send(c.receive());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onComplete() {
                }
            });

            // outbound from a SubmissionPublisher, inbound to a Flow.Subscriber
            TcpConnection client = TcpConnection.connect(moirai, listener.localAddress()).join(Duration.ofSeconds(WAIT_SECONDS));
            FlowCollector<ByteBuffer> in = new FlowCollector<>();
            FlowAdapters.toFlowPublisher(client.inbound()).subscribe(in);
            try (SubmissionPublisher<ByteBuffer> out = new SubmissionPublisher<>()) {
                client.outbound(FlowAdapters.toPublisher(out));
                for (int i = 0; i < 100; i++) {
                    out.submit(ByteBuffer.wrap(new byte[] {(byte) i, (byte) (i + 1)}));
                }
            } // the publisher completes: flush, then FIN; the echo ends, and so does inbound
            assertThat(in.await().stream().mapToInt(ByteBuffer::remaining).sum()).isEqualTo(200);

            // send from a SubmissionPublisher of NetBuffers, receive to a Flow.Subscriber
            TcpConnection second = TcpConnection.connect(moirai, listener.localAddress()).join(Duration.ofSeconds(WAIT_SECONDS));
            FlowCollector<NetBuffer> pooled = new FlowCollector<>();
            FlowAdapters.toFlowPublisher(second.receive()).subscribe(pooled);
            try (SubmissionPublisher<NetBuffer> out = new SubmissionPublisher<>()) {
                second.send(FlowAdapters.toPublisher(out));
                for (int i = 0; i < 10; i++) {
                    out.submit(NetBuffer.wrap(ByteBuffer.allocate(1000)));
                }
            }
            int total = 0;
            for (NetBuffer b : pooled.await()) {
                total += b.data().remaining();
                b.release();
            }
            assertThat(total).isEqualTo(10_000);
        }
    }
}

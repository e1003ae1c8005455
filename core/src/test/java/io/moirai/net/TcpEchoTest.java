package io.moirai.net;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.uniquePrefix;
import static io.moirai.net.NetSupport.ANY_LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import io.moirai.TestSubscriber;
import io.moirai.task.TaskHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** An echo server written with the TCP publishers: data integrity and half-close. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpEchoTest {

    private static final int MIB = 1024 * 1024;
    private static final int CHUNK = 64 * 1024;
    private static final long SEED = 0x5EEDL;
    private static final Duration LONG_WAIT = Duration.ofSeconds(40);

    /** Passes a publisher through unchanged and records when its subscriber is completed. */
    private static final class CompletionTap<T> implements Publisher<T> {
        private final Publisher<T> source;
        private final Queue<String> events;
        private final String event;

        CompletionTap(Publisher<T> source, Queue<String> events, String event) {
            this.source = source;
            this.events = events;
            this.event = event;
        }

        @Override
        public void subscribe(Subscriber<? super T> s) {
            source.subscribe(new Subscriber<T>() {
                @Override
                public void onSubscribe(Subscription sub) {
                    s.onSubscribe(sub);
                }

                @Override
                public void onNext(T t) {
                    s.onNext(t);
                }

                @Override
                public void onError(Throwable t) {
                    events.add(event + " error " + t);
                    s.onError(t);
                }

                @Override
                public void onComplete() {
                    events.add(event);
                    s.onComplete();
                }
            });
        }
    }

    @Test
    void echoes64MiBIntactAndHalfClosesInOrder() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("echo")).build();
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            Queue<String> events = new ConcurrentLinkedQueue<>();
            CompletableFuture<TaskHandle<Void>> serverOut = new CompletableFuture<>();
            // the echo server: conn.outbound(conn.inbound()), tapped to see its inbound complete
            TestSubscriber<TcpConnection> accepted = new TestSubscriber<TcpConnection>(1).onNextDo((s, conn) -> {
                TaskHandle<Void> out = conn.outbound(new CompletionTap<>(conn.inbound(), events, "server inbound complete"));
                out.toCompletableFuture().whenComplete((v, e) -> events.add(e == null ? "server outbound done" : "server outbound failed " + e));
                serverOut.complete(out);
            });
            listener.connections().subscribe(accepted);

            TcpConnection client = TcpConnection.connect(moirai, listener.localAddress()).join(WAIT);
            ByteSink received = new ByteSink(Long.MAX_VALUE);
            received.done.whenComplete((v, e) -> events.add(e == null ? "client inbound complete" : "client inbound failed " + e));
            client.inbound().subscribe(received);

            long total = 64L * MIB;
            ByteSource source = new ByteSource(SEED, total, CHUNK);
            TaskHandle<Void> out = client.outbound(source);

            out.join(LONG_WAIT);
            received.awaitComplete(LONG_WAIT);
            serverOut.get(WAIT.toNanos(), TimeUnit.NANOSECONDS).join(WAIT);

            assertThat(source.isCompleted()).isTrue();
            assertThat(received.bytes()).as("bytes echoed").isEqualTo(total);
            assertThat(received.crc()).as("CRC32 of the echo").isEqualTo(source.crc());
            assertThat(received.maxBuffer()).isLessThanOrEqualTo(TcpConnection.DEFAULT_MAX_CHUNK_SIZE);
            assertThat(received.violations).isEmpty();
            // half-close: the server's inbound ended before the server shut its output, and only then
            // could the client's inbound end
            List<String> order = new ArrayList<>(events);
            assertThat(order).as("events").contains("server inbound complete", "server outbound done", "client inbound complete");
            assertThat(order.indexOf("server inbound complete")).as("events %s", order)
                    .isLessThan(order.indexOf("client inbound complete"))
                    .isLessThan(order.indexOf("server outbound done"));
            assertThat(order).noneMatch(e -> e.contains("fail") || e.contains("error"));
            assertThat(accepted.violations()).isEmpty();
            client.close();
        }
    }

    @Test
    void halfCloseKeepsTheOtherDirectionOpen() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("echo-half")).build();
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
            listener.connections().subscribe(queue);
            NetSupport.Pair pair = NetSupport.connect(moirai, listener, queue);
            ByteSink atServer = new ByteSink(Long.MAX_VALUE, true);
            ByteSink atClient = new ByteSink(Long.MAX_VALUE, true);
            pair.server().inbound().subscribe(atServer);
            pair.client().inbound().subscribe(atClient);

            // the client's outbound completes: its output is shut down, the server's inbound ends
            pair.client().outbound(ListPublisher.of("hello, ", "server")).join(WAIT);
            atServer.awaitComplete(WAIT);
            assertThat(atServer.text()).isEqualTo("hello, server");
            // the server has not shut its output: the client must not see the end of the stream
            assertThat(atClient.endsWithin(Duration.ofMillis(200))).as("client inbound ended early: %s", atClient).isFalse();
            assertThat(pair.client().isOpen()).isTrue();

            // the server can still answer over the half-closed connection, then shuts its output
            pair.server().outbound(ListPublisher.of("hello, ", "client")).join(WAIT);
            atClient.awaitComplete(WAIT);
            assertThat(atClient.text()).isEqualTo("hello, client");
            assertThat(atServer.violations).isEmpty();
            assertThat(atClient.violations).isEmpty();
            pair.close();
        }
    }

    @Test
    void echoesOnSeveralConnectionsAtOnce() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).ioThreads(2).threadNamePrefix(uniquePrefix("echo-many")).build();
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            TestSubscriber<TcpConnection> accepted = new TestSubscriber<TcpConnection>(Long.MAX_VALUE)
                    .onNextDo((s, conn) -> conn.outbound(conn.inbound()));
            listener.connections().subscribe(accepted);
            int n = 6;
            long total = 4L * MIB;
            List<ByteSource> sources = new ArrayList<>();
            List<ByteSink> sinks = new ArrayList<>();
            List<TaskHandle<Void>> outs = new ArrayList<>();
            List<TcpConnection> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                TcpConnection c = TcpConnection.connect(moirai, listener.localAddress()).join(WAIT);
                ByteSink sink = new ByteSink(Long.MAX_VALUE);
                c.inbound().subscribe(sink);
                // odd chunk sizes so buffers and reads do not line up
                ByteSource source = new ByteSource(SEED + i, total + 8 * i + 3, 8 * (1000 + 997 * i));
                clients.add(c);
                sinks.add(sink);
                sources.add(source);
            }
            for (int i = 0; i < n; i++) {
                outs.add(clients.get(i).outbound(sources.get(i)));
            }
            for (int i = 0; i < n; i++) {
                outs.get(i).join(LONG_WAIT);
                sinks.get(i).awaitComplete(LONG_WAIT);
                assertThat(sinks.get(i).bytes()).as("bytes echoed on connection %d", i).isEqualTo(sources.get(i).total());
                assertThat(sinks.get(i).crc()).as("CRC32 on connection %d", i).isEqualTo(sources.get(i).crc());
                clients.get(i).close();
            }
            accepted.cancel();
            accepted.values().forEach(TcpConnection::close);
        }
    }
}

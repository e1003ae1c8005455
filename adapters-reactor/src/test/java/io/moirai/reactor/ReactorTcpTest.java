package io.moirai.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.task.TaskHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** TCP through Reactor operators: an echo pipeline, and demand flowing from a Reactor subscriber to the peer. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReactorTcpTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private Moirai moirai;
    private Scheduler scheduler;

    @BeforeEach
    void start() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("reactor-tcp").build();
        scheduler = MoiraiReactor.scheduler(moirai);
    }

    @AfterEach
    void stop() {
        scheduler.dispose();
        moirai.close();
    }

    private static ByteBuffer chunk(int i, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        for (int k = 0; k < size; k++) {
            b.put((byte) (i * 31 + k));
        }
        return b.flip();
    }

    @Test
    void anEchoServerWrittenWithFluxOperatorsEchoesEverythingIntact() throws Exception {
        int chunks = 256;
        int size = 32 * 1024;
        try (TcpListener listener = TcpListener.bind(moirai, LOOPBACK)) {
            MoiraiReactor.toFlux(listener.connections()).subscribe(conn ->
                    conn.outbound(MoiraiReactor.toFlux(conn.inbound())
                            .publishOn(scheduler, 8)                 // a hop through a bounded Reactor queue
                            .map(ByteBuffer::asReadOnlyBuffer)
                            .filter(ByteBuffer::hasRemaining)));
            TcpConnection client = TcpConnection.connect(moirai, listener.localAddress()).join(Duration.ofSeconds(10));
            CRC32 sent = new CRC32();
            Flux<ByteBuffer> data = Flux.range(0, chunks).map(i -> chunk(i, size))
                    .doOnNext(b -> sent.update(b.duplicate()));
            CRC32 received = new CRC32();
            Mono<Long> echoed = MoiraiReactor.toFlux(client.inbound())
                    .doOnNext(received::update)
                    .map(b -> (long) b.limit())
                    .reduce(0L, Long::sum);
            CompletableFuture<Long> total = echoed.toFuture();
            TaskHandle<Void> out = client.outbound(data);
            out.join(Duration.ofSeconds(30));
            assertThat(total.get(30, TimeUnit.SECONDS)).isEqualTo((long) chunks * size);
            assertThat(received.getValue()).isEqualTo(sent.getValue());
            client.close();
        }
    }

    @Test
    void demandFromAReactorSubscriberHoldsThePeerBack() throws Exception {
        CompletableFuture<Subscription> serverSubscription = new CompletableFuture<>();
        AtomicLong serverBytes = new AtomicLong();
        CompletableFuture<Void> serverDone = new CompletableFuture<>();
        try (TcpListener listener = TcpListener.bind(moirai, LOOPBACK)) {
            MoiraiReactor.toFlux(listener.connections()).subscribe(conn ->
                    MoiraiReactor.toFlux(conn.inbound())
                            .map(ByteBuffer::remaining)
                            .subscribe(new BaseSubscriber<Integer>() {
                                @Override
                                protected void hookOnSubscribe(Subscription s) {
                                    s.request(1); // one buffer, then wait
                                    serverSubscription.complete(s);
                                }

                                @Override
                                protected void hookOnNext(Integer n) {
                                    serverBytes.addAndGet(n);
                                }

                                @Override
                                protected void hookOnComplete() {
                                    serverDone.complete(null);
                                }
                            }));
            TcpConnection client = TcpConnection.connect(moirai, listener.localAddress()).join(Duration.ofSeconds(10));
            int chunks = 1024;
            int size = 64 * 1024; // 64 MiB in all
            TaskHandle<Void> out = client.outbound(Flux.range(0, chunks).map(i -> ByteBuffer.allocate(size)));
            Subscription s = serverSubscription.get(10, TimeUnit.SECONDS);
            // absence of progress can only be observed over time
            assertThat(out.toCompletableFuture().completeOnTimeout(null, 500, TimeUnit.MILLISECONDS)
                    .thenApply(v -> out.isFinished()).get()).as("the writer is held back").isFalse();
            assertThat(serverBytes.get()).as("the server read one buffer").isLessThanOrEqualTo(64 * 1024);
            s.request(Long.MAX_VALUE);
            out.join(Duration.ofSeconds(30));
            serverDone.get(30, TimeUnit.SECONDS);
            assertThat(serverBytes.get()).isEqualTo((long) chunks * size);
            client.close();
        }
    }
}

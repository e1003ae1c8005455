package io.moirai.blockhoundtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import io.moirai.net.NetBuffer;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.reactor.MoiraiReactor;
import io.moirai.stream.Channel;
import io.moirai.stream.Streams;
import io.moirai.task.TaskHandle;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;

/**
 * The runtime's own waits never trip BlockHound: workers searching and parking, joins, the blocking
 * pool's lock taken from workers, drains and parallel-map runners polling, the I/O driver selecting
 * with and without timers, TCP echoes (copying and pooled), a listener closed from a worker.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RuntimeOwnWaitsBlockHoundTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @BeforeAll
    static void installBlockHound() {
        BlockHoundSupport.install();
    }

    private static ByteBuffer chunk(int i, int size) {
        byte[] b = new byte[size];
        for (int k = 0; k < size; k++) {
            b[k] = (byte) (i * 31 + k);
        }
        return ByteBuffer.wrap(b);
    }

    @Test
    void anIdleAndABusyRuntimeAndTcpEchoesTripNothing() throws Exception {
        BlockHoundSupport.clear();
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        try (Moirai moirai = Moirai.builder().workerThreads(2).ioThreads(2).threadNamePrefix("bh-own")
                .droppedErrorHandler(dropped::add).build()) {
            // idle: workers park, the driver selects towards a timer, then with none
            moirai.delay(Duration.ofMillis(300)).join(WAIT);
            List<Long> ticks = MoiraiReactor.toFlux(moirai.interval(Duration.ofMillis(10))).take(10)
                    .collectList().block(WAIT);
            assertThat(ticks).hasSize(10);

            // fan-out and joins on the workers; the blocking pool's lock and metrics from workers
            long sum = moirai.spawn(() -> {
                List<TaskHandle<Integer>> parts = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    int v = i;
                    parts.add(i % 100 == 0 ? moirai.spawnBlocking(() -> v) : moirai.spawn(() -> v));
                }
                long s = 0;
                for (TaskHandle<Integer> p : parts) {
                    s += p.join();
                }
                return s + moirai.metrics().queuedTasks() * 0;
            }).join(WAIT);
            assertThat(sum).isEqualTo(1_999L * 2_000 / 2);

            // a channel fed from a worker and read on the workers; an ordered parallel map
            Channel<Integer> channel = Channel.bounded(moirai, 16);
            TaskHandle<Void> producer = moirai.spawn(() -> {
                for (int i = 0; i < 10_000; i++) {
                    if (!channel.trySend(i)) {
                        channel.send(i).join();
                    }
                }
                channel.close();
                return null;
            });
            assertThat(MoiraiReactor.toFlux(channel.receiver()).count().block(WAIT)).isEqualTo(10_000L);
            producer.join(WAIT);
            List<Integer> mapped = MoiraiReactor.toFlux(Streams.parallelMap(moirai,
                    Streams.fromIterable(moirai, IntStream.range(0, 20_000).boxed().toList()), i -> i * 2, 4))
                    .collectList().block(WAIT);
            assertThat(mapped).hasSize(20_000).startsWith(0, 2, 4);

            echoes(moirai);

            moirai.delay(Duration.ofMillis(200)).join(WAIT); // idle again
        }
        assertThat(dropped).isEmpty();
        assertThat(BlockHoundSupport.reports()).isEmpty();
    }

    @SuppressWarnings("try") // closes a resource early on purpose, or holds one only to keep it open
    private static void echoes(Moirai moirai) throws Exception {
        int chunks = 64;
        int size = 16 * 1024;
        try (TcpListener listener = TcpListener.bind(moirai, LOOPBACK)) {
            // an echo server: half the connections copy (inbound/outbound), half pass pooled buffers
            int[] n = {0};
            MoiraiReactor.toFlux(listener.connections()).subscribe(conn -> {
                if (n[0]++ % 2 == 0) {
                    conn.outbound(conn.inbound());
                } else {
                    conn.send(conn.receive());
                }
            });
            for (int round = 0; round < 2; round++) {
                TcpConnection client = TcpConnection.connect(moirai, listener.localAddress()).join(WAIT);
                CRC32 sent = new CRC32();
                CRC32 received = new CRC32();
                var echoed = MoiraiReactor.toFlux(client.inbound()).doOnNext(received::update)
                        .map(b -> (long) b.limit()).reduce(0L, Long::sum).toFuture();
                client.outbound(Flux.range(0, chunks).map(i -> chunk(i, size)).doOnNext(b -> sent.update(b.duplicate())))
                        .join(WAIT);
                assertThat(echoed.get(20, TimeUnit.SECONDS)).isEqualTo((long) chunks * size);
                assertThat(received.getValue()).isEqualTo(sent.getValue());
                client.close();
            }
            // a plain blocking client on the test thread (which may block) against the runtime's server
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.localAddress().getPort())) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                byte[] msg = new byte[4096];
                out.write(msg);
                byte[] back = in.readNBytes(msg.length);
                assertThat(back).hasSize(msg.length);
            }
            // receive/send from the client side too, with pooled buffers released by the echo
            TcpConnection client = TcpConnection.connect(moirai, listener.localAddress()).join(WAIT);
            var total = MoiraiReactor.toFlux(client.receive())
                    .map(b -> {
                        try (NetBuffer nb = b) {
                            return (long) nb.data().remaining();
                        }
                    })
                    .reduce(0L, Long::sum).toFuture();
            client.send(Flux.range(0, 8).map(i -> NetBuffer.wrap(chunk(i, 8192)))).join(WAIT);
            assertThat(total.get(20, TimeUnit.SECONDS)).isEqualTo(8L * 8192);
            client.close();
            // a listener closed from a worker waits for its port: an allowed wait
            moirai.spawn(() -> {
                listener.close();
                return null;
            }).join(WAIT);
        }
    }
}

package io.moirai.net;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.eventually;
import static io.moirai.net.NetSupport.ANY_LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * {@code receive()} and {@code send()}: pooled buffers read without a copy, written without a copy,
 * each released exactly once whatever way the stream ends. The core tests run with
 * {@code -Dmoirai.leakDetection=true}, so a buffer a test (or the runtime) forgets to release is
 * reported to the dropped-error handler, which every test here checks stays empty.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpReceiveSendTest {

    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();
    private Moirai moirai;
    private TcpListener listener;
    private NetSupport.AcceptQueue accepted;

    @BeforeEach
    void start() throws Exception {
        moirai = Moirai.builder().workerThreads(2).ioBuffers(4).droppedErrorHandler(dropped::add).build();
        listener = TcpListener.bind(moirai, ANY_LOOPBACK);
        accepted = new NetSupport.AcceptQueue();
        listener.connections().subscribe(accepted);
    }

    @AfterEach
    void stop() {
        moirai.close();
        assertThat(dropped).as("errors no one received (leaks included)").isEmpty();
    }

    private Socket client() throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.localAddress().getPort());
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    @Test
    void anEchoOfSendOverReceiveMovesEveryByteInOrder() throws Exception {
        int size = 16 * 1024 * 1024; // many times the pool of 4 buffers: they are reused, or heap buffers stand in
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        try (Socket c = client()) {
            TcpConnection server = accepted.next();
            TaskHandle<Void> echo = server.send(server.receive());
            CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> {
                try {
                    byte[] got = new byte[size];
                    new DataInputStream(c.getInputStream()).readFully(got);
                    return got;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            OutputStream out = c.getOutputStream();
            for (int at = 0; at < size; at += 100_000) {
                out.write(data, at, Math.min(100_000, size - at));
            }
            c.shutdownOutput();
            assertThat(back.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(data);
            assertThat(c.getInputStream().read()).as("FIN after the echo").isEqualTo(-1);
            echo.join(WAIT);
        }
    }

    @Test
    void aReceivedBufferIsReleasedOnceAndUnusableAfter() throws Exception {
        try (Socket c = client()) {
            TcpConnection server = accepted.next();
            LinkedBlockingQueue<NetBuffer> got = new LinkedBlockingQueue<>();
            server.receive().subscribe(new Subscriber<>() {
                @Override
                public void onSubscribe(Subscription s) {
                    s.request(1);
                }

                @Override
                public void onNext(NetBuffer b) {
                    got.add(b);
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onComplete() {}
            });
            c.getOutputStream().write("hello".getBytes());
            NetBuffer b = got.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(b).isNotNull();
            assertThat(b.data().isDirect()).as("read straight into pooled direct memory").isTrue();
            byte[] bytes = new byte[b.data().remaining()];
            b.data().get(bytes);
            assertThat(new String(bytes)).isEqualTo("hello");
            b.release();
            assertThat(b.isReleased()).isTrue();
            assertThatThrownBy(b::data).isInstanceOf(IllegalStateException.class).hasMessageContaining("released");
            assertThatThrownBy(b::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("twice");

            // the input is shared with inbound(): one reader per connection
            CountDownLatch refused = new CountDownLatch(1);
            server.inbound().subscribe(new Subscriber<>() {
                @Override
                public void onSubscribe(Subscription s) {}

                @Override
                public void onNext(ByteBuffer item) {}

                @Override
                public void onError(Throwable t) {
                    if (t instanceof IllegalStateException) {
                        refused.countDown();
                    }
                }

                @Override
                public void onComplete() {}
            });
            assertThat(refused.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }
    }

    @Test
    void everyBufferHandedToASendIsReleasedWhenItEndsEarly() throws Exception {
        try (Socket c = client()) {
            TcpConnection server = accepted.next();
            List<NetBuffer> handed = new CopyOnWriteArrayList<>();
            Publisher<NetBuffer> endless = s -> s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    for (long i = 0; i < n; i++) {
                        NetBuffer b = NetBuffer.wrap(ByteBuffer.allocate(256 * 1024)); // the peer never reads
                        handed.add(b);
                        s.onNext(b);
                    }
                }

                @Override
                public void cancel() {}
            });
            TaskHandle<Void> send = server.send(endless);
            eventually(WAIT, () -> !handed.isEmpty(), () -> "no buffer handed");
            server.close(); // the send ends wherever it is: typically with a buffer parked half written
            assertThatThrownBy(() -> send.join(WAIT)).isNotNull();
            eventually(WAIT, () -> handed.stream().allMatch(NetBuffer::isReleased),
                    () -> handed.stream().filter(b -> !b.isReleased()).count() + " of " + handed.size() + " not released");
        }
    }

    /**
     * {@code send} runs a bounded way ahead of a socket that takes nothing more: at most
     * {@code SocketWriter.GATHER} items, and at most 128 KiB beyond the first unwritten one; then it
     * writes what it holds with gathering writes, in order, once the peer reads.
     */
    @ParameterizedTest
    @ValueSource(ints = {1024, 64 * 1024})
    void aSendToAPeerThatDoesNotReadHoldsABoundedAmountAndDeliversItAllInOrder(int chunk) throws Exception {
        long total = 32L * 1024 * 1024;
        ByteSource source = new ByteSource(11, total, chunk);
        List<NetBuffer> handed = new CopyOnWriteArrayList<>();
        Publisher<NetBuffer> data = s -> source.subscribe(new Subscriber<>() {
            @Override
            public void onSubscribe(Subscription sub) {
                s.onSubscribe(sub);
            }

            @Override
            public void onNext(ByteBuffer b) {
                NetBuffer nb = NetBuffer.wrap(b);
                handed.add(nb);
                s.onNext(nb);
            }

            @Override
            public void onError(Throwable t) {
                s.onError(t);
            }

            @Override
            public void onComplete() {
                s.onComplete();
            }
        });
        try (Socket c = client()) {
            TcpConnection server = accepted.next();
            TaskHandle<Void> send = server.send(data);
            // time is the subject: a stall shows only as no progress for a while
            long last = -1;
            while (source.emittedBuffers() != last) {
                last = source.emittedBuffers();
                Thread.sleep(300);
            }
            long held = handed.stream().filter(b -> !b.isReleased()).count();
            assertThat(source.emittedBytes()).as("taken from the source while the peer reads nothing").isLessThan(total);
            assertThat(held).as("buffers handed over and not yet written")
                    .isBetween(1L, Math.min(16L, 128L * 1024 / chunk + 2));

            CRC32 crc = new CRC32();
            byte[] buf = new byte[64 * 1024];
            InputStream in = c.getInputStream();
            long got = 0;
            for (int n; (n = in.read(buf)) > 0; got += n) {
                crc.update(buf, 0, n);
            }
            send.join(WAIT);
            assertThat(got).isEqualTo(total);
            assertThat(crc.getValue()).as("CRC32 of what arrived").isEqualTo(source.crc());
            assertThat(handed).allMatch(NetBuffer::isReleased);
        }
    }

    @Test
    void aBufferNeverReleasedIsReportedWithWhereItWasTaken() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.moirai.internal.net.LeakDetector.ENABLED,
                "leak detection is off (-Dmoirai.leakDetection=true turns it on)");
        try (Socket c = client()) {
            TcpConnection server = accepted.next();
            CountDownLatch one = new CountDownLatch(1);
            server.receive().subscribe(new Subscriber<>() {
                @Override
                public void onSubscribe(Subscription s) {
                    s.request(1);
                }

                @Override
                public void onNext(NetBuffer b) {
                    one.countDown(); // and drops it without a release
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onComplete() {}
            });
            c.getOutputStream().write(1);
            assertThat(one.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            eventually(Duration.ofSeconds(20), () -> {
                System.gc();
                return !dropped.isEmpty();
            }, () -> "no leak reported");
            assertThat(dropped.get(0)).hasMessageContaining("LEAK: a NetBuffer was never released");
            assertThat(dropped.get(0).getStackTrace()).isNotEmpty();
            dropped.clear(); // reported as it should be
        }
    }

    @Test
    void wrapMarksReleasedAndRefusesNull() {
        NetBuffer b = NetBuffer.wrap(ByteBuffer.allocate(3));
        assertThat(b.data().remaining()).isEqualTo(3);
        b.close();
        assertThat(b.isReleased()).isTrue();
        assertThatThrownBy(() -> NetBuffer.wrap(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void sendAfterReceiveStillReadsAPeerThatOnlyWrites() throws Exception {
        try (Socket c = client()) {
            TcpConnection server = accepted.next();
            server.send(server.receive());
            InputStream in = c.getInputStream();
            c.getOutputStream().write("ping".getBytes());
            assertThat(new String(in.readNBytes(4))).isEqualTo("ping");
        }
    }
}

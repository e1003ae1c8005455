package io.moirai.blockhoundtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.task.TaskFailedException;
import io.moirai.task.TaskHandle;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.blockhound.BlockingOperationError;

/** Where blocking is reported (compute workers, I/O threads) and where it is not (the blocking pool). */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ComputeThreadsBlockHoundTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();
    private Moirai moirai;

    @BeforeAll
    static void installBlockHound() {
        BlockHoundSupport.install();
    }

    @BeforeEach
    void start() {
        BlockHoundSupport.clear();
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("bh-compute").droppedErrorHandler(dropped::add).build();
    }

    @AfterEach
    void stop() {
        moirai.close();
    }

    @Test
    void sleepingInAComputeTaskFailsItsHandleWithBlockingOperationError() throws Exception {
        TaskHandle<String> h = moirai.spawn(() -> {
            Thread.sleep(10);
            return "slept";
        });
        assertThatThrownBy(() -> h.join(WAIT)).isInstanceOf(TaskFailedException.class)
                .cause().isInstanceOf(BlockingOperationError.class).hasMessageContaining("sleep");
        // and on a timer's task, which runs on the compute workers too
        TaskHandle<String> later = moirai.schedule(Duration.ofMillis(1), () -> {
            Thread.sleep(10);
            return "slept";
        });
        assertThatThrownBy(() -> later.join(WAIT)).cause().isInstanceOf(BlockingOperationError.class);
        assertThat(BlockHoundSupport.reports()).hasSize(2);
        // the workers survive and go on
        assertThat(moirai.spawn(() -> 42).join(WAIT)).isEqualTo(42);
    }

    @Test
    void aBlockingSocketReadInAComputeTaskFailsButNotOnTheBlockingPool() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            InputStream in = client.getInputStream();
            TaskHandle<Integer> onWorker = moirai.spawn(() -> in.read());
            assertThatThrownBy(() -> onWorker.join(WAIT)).cause().isInstanceOf(BlockingOperationError.class)
                    .hasMessageContaining("read");

            TaskHandle<Integer> onBlockingPool = moirai.spawnBlocking(() -> in.read());
            accepted.getOutputStream().write(7);
            assertThat(onBlockingPool.join(WAIT)).isEqualTo(7);
        }
        assertThat(BlockHoundSupport.reports()).hasSize(1);
    }

    @Test
    void spawnBlockingMaySleep() throws Exception {
        assertThat(moirai.spawnBlocking(() -> {
            Thread.sleep(20);
            return "rested";
        }).join(WAIT)).isEqualTo("rested");
        assertThat(BlockHoundSupport.reports()).isEmpty();
    }

    @Test
    void aJoinOnAWorkerIsAllowedButTheWorkItRunsIsChecked() throws Exception {
        // the worker joins a blocking task that sleeps: the join parks, which is allowed
        assertThat(moirai.spawn(() -> moirai.spawnBlocking(() -> {
            Thread.sleep(30);
            return "joined";
        }).join()).join(WAIT)).isEqualTo("joined");
        assertThat(BlockHoundSupport.reports()).isEmpty();

        // a compute task that the joining worker runs itself is still checked
        TaskHandle<Object> outer = moirai.spawn(() -> moirai.spawn(() -> {
            Thread.sleep(1);
            return "never";
        }).join());
        assertThatThrownBy(() -> outer.join(WAIT)).isInstanceOf(TaskFailedException.class)
                .rootCause().isInstanceOf(BlockingOperationError.class);
        assertThat(BlockHoundSupport.reports()).hasSize(1);
    }

    @Test
    void aSubscriberThatBlocksOnTheIoThreadIsReported() throws Exception {
        try (TcpListener listener = TcpListener.bind(moirai, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            listener.connections().subscribe(new Subscriber<TcpConnection>() {
                @Override
                public void onSubscribe(Subscription s) {
                    s.request(1);
                }

                @Override
                public void onNext(TcpConnection c) {
                    try {
                        Thread.sleep(10); // on the I/O thread
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        c.close();
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onComplete() {
                }
            });
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.localAddress().getPort())) {
                assertThat(s.isConnected()).isTrue(); // held open while the server's subscriber blocks
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (dropped.isEmpty() && System.nanoTime() < deadline) {
                    moirai.delay(Duration.ofMillis(5)).join(WAIT); // polling: the report has nothing to wait on
                }
            }
        }
        assertThat(dropped).hasSize(1);
        assertThat(dropped.get(0)).isInstanceOf(BlockingOperationError.class);
        assertThat(BlockHoundSupport.reports()).hasSize(1);
        assertThat(BlockHoundSupport.reports().get(0)).startsWith("bh-compute-io-");
    }
}

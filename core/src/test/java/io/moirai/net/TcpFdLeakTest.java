package io.moirai.net;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.eventually;
import static io.moirai.TestSupport.uniquePrefix;
import static io.moirai.net.NetSupport.ANY_LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.moirai.Moirai;
import io.moirai.task.TaskFailedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connections that were closed give their file descriptors back: the process's fd count returns to where it was. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpFdLeakTest {

    private static final Path FDS = Path.of("/proc/self/fd");
    /** Descriptors the JVM may open or close meanwhile for its own reasons (class loading, jars). */
    private static final int TOLERANCE = 8;

    @BeforeAll
    static void procFdAvailable() {
        assumeTrue(Files.isDirectory(FDS), "/proc/self/fd not available");
    }

    private static long openFds() {
        try (Stream<Path> s = Files.list(FDS)) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitFdsBackTo(long baseline) {
        // closed channels are deregistered (and their fds released) by the selector asynchronously
        eventually(WAIT, () -> openFds() <= baseline + TOLERANCE,
                () -> "open fds " + openFds() + ", baseline " + baseline);
        System.out.printf("open fds: baseline %d, now %d%n", baseline, openFds());
    }

    @Test
    void connectAndCloseCyclesLeaveNoFileDescriptors() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("fd")).build();
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
            listener.connections().subscribe(queue);
            // warm up: the I/O thread, its selector and every code path exist before the baseline
            for (int i = 0; i < 30; i++) {
                cycle(moirai, listener, queue, i);
            }
            eventually(WAIT, () -> moirai.metrics().ioRegistrations() == 1,
                    () -> "ioRegistrations " + moirai.metrics().ioRegistrations());
            long baseline = openFds();

            int cycles = 2_000;
            for (int i = 0; i < cycles; i++) {
                cycle(moirai, listener, queue, i);
            }
            awaitFdsBackTo(baseline);
            eventually(WAIT, () -> moirai.metrics().ioRegistrations() == 1,
                    () -> "ioRegistrations " + moirai.metrics().ioRegistrations() + " (the listener only)");
        }
    }

    /** One connection, closed on both sides; the variants touch reading, writing and both close orders. */
    private static void cycle(Moirai moirai, TcpListener listener, NetSupport.AcceptQueue queue, int i) throws Exception {
        NetSupport.Pair pair = NetSupport.connect(moirai, listener, queue);
        switch (i % 4) {
            case 0 -> {
                pair.client().close();
                pair.server().close();
            }
            case 1 -> {
                pair.server().inbound().subscribe(new ByteSink(Long.MAX_VALUE));
                pair.server().close();
                pair.client().close();
            }
            case 2 -> {
                ByteSink atServer = new ByteSink(Long.MAX_VALUE);
                pair.server().inbound().subscribe(atServer);
                pair.client().inbound().subscribe(new ByteSink(Long.MAX_VALUE));
                pair.client().outbound(ListPublisher.of("x")).join(WAIT);
                atServer.awaitComplete(WAIT);
                pair.client().close();
                pair.server().close();
            }
            default -> {
                ByteSink atClient = new ByteSink(Long.MAX_VALUE);
                pair.client().inbound().subscribe(atClient);
                pair.server().outbound(ListPublisher.thenNever("y"));
                atClient.awaitBuffers(1);
                pair.server().close();
                pair.client().close();
            }
        }
    }

    @Test
    void refusedConnectsLeaveNoFileDescriptors() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("fd-refused")).build()) {
            InetSocketAddress nobody = NetSupport.unusedLoopbackAddress();
            for (int i = 0; i < 10; i++) {
                refused(moirai, nobody);
            }
            long baseline = openFds();
            for (int i = 0; i < 500; i++) {
                refused(moirai, nobody);
            }
            awaitFdsBackTo(baseline);
            eventually(WAIT, () -> moirai.metrics().ioRegistrations() == 0,
                    () -> "ioRegistrations " + moirai.metrics().ioRegistrations());
        }
    }

    private static void refused(Moirai moirai, InetSocketAddress nobody) {
        assertThatThrownBy(() -> TcpConnection.connect(moirai, nobody).join(WAIT))
                .isInstanceOf(TaskFailedException.class).cause().isInstanceOf(ConnectException.class);
    }

    @Test
    void closedListenersLeaveNoFileDescriptors() throws Exception {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix("fd-listener")).build()) {
            for (int i = 0; i < 10; i++) {
                bindAndClose(moirai, i);
            }
            long baseline = openFds();
            for (int i = 0; i < 300; i++) {
                bindAndClose(moirai, i);
            }
            awaitFdsBackTo(baseline);
            eventually(WAIT, () -> moirai.metrics().ioRegistrations() == 0,
                    () -> "ioRegistrations " + moirai.metrics().ioRegistrations());
        }
    }

    private static void bindAndClose(Moirai moirai, int i) throws IOException {
        TcpListener l = TcpListener.bind(moirai, ANY_LOOPBACK);
        if (i % 2 == 0) {
            NetSupport.AcceptQueue q = new NetSupport.AcceptQueue();
            l.connections().subscribe(q);
            l.close();
            // how the subscriber ends is TcpConnectionTest's subject; here it only has to end
            eventually(WAIT, q.done::isDone, () -> "connections() subscriber not terminated after close");
        } else {
            l.close();
        }
    }
}

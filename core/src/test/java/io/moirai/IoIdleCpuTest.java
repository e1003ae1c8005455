package io.moirai;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.eventually;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import io.moirai.task.TaskHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A runtime with many idle connections (read interest registered) and many pending timers uses almost
 * no CPU: the I/O driver sleeps in select until the next timer or readiness, nothing polls.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IoIdleCpuTest {

    private static final int CONNECTIONS = 1_000;
    private static final int TIMERS = 10_000;
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final long MAX_CPU_MILLIS = 200;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @BeforeAll
    static void environmentSupportsTheTest() {
        assumeTrue(THREADS.isThreadCpuTimeSupported(), "thread CPU time not supported");
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        assumeTrue(os instanceof com.sun.management.UnixOperatingSystemMXBean, "not a Unix JVM: fd limit unknown");
        com.sun.management.UnixOperatingSystemMXBean unix = (com.sun.management.UnixOperatingSystemMXBean) os;
        long needed = unix.getOpenFileDescriptorCount() + 2L * CONNECTIONS + 200;
        assumeTrue(unix.getMaxFileDescriptorCount() >= needed,
                "open file limit " + unix.getMaxFileDescriptorCount() + " below the " + needed + " this test needs");
    }

    /** Requests {@code n} elements at subscription and records them; enough to keep read or accept interest registered. */
    private static final class Requesting<T> implements Subscriber<T> {
        final BlockingQueue<T> received = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> ended = new LinkedBlockingQueue<>();
        private final long n;

        Requesting(long n) {
            this.n = n;
        }

        @Override
        public void onSubscribe(Subscription s) {
            s.request(n);
        }

        @Override
        public void onNext(T t) {
            received.add(t);
        }

        @Override
        public void onError(Throwable t) {
            ended.add(t);
        }

        @Override
        public void onComplete() {
            ended.add(new IllegalStateException("completed"));
        }
    }

    /** A publisher of one buffer that waits for demand, then completes. */
    private static Publisher<ByteBuffer> just(ByteBuffer buffer) {
        return s -> {
            AtomicBoolean emitted = new AtomicBoolean();
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    if (n <= 0) {
                        if (emitted.compareAndSet(false, true)) {
                            s.onError(new IllegalArgumentException("§3.9: request must be positive, got " + n));
                        }
                    } else if (emitted.compareAndSet(false, true)) {
                        s.onNext(buffer);
                        s.onComplete();
                    }
                }

                @Override
                public void cancel() {
                    emitted.set(true);
                }
            });
        };
    }

    private static Map<Long, Long> cpuByThread(String prefix) {
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread t : TestSupport.liveThreads(prefix)) {
            long nanos = THREADS.getThreadCpuTime(t.getId());
            if (nanos >= 0) {
                cpu.put(t.getId(), nanos);
            }
        }
        return cpu;
    }

    @Test
    void idleConnectionsAndPendingTimersUseAlmostNoCpu() throws Exception {
        String prefix = uniquePrefix("io-idle");
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(prefix).build();
                TcpListener listener = TcpListener.bind(moirai, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Requesting<TcpConnection> acceptor = new Requesting<>(Long.MAX_VALUE);
            listener.connections().subscribe(acceptor);

            List<TcpConnection> clients = new ArrayList<>();
            List<TcpConnection> servers = new ArrayList<>();
            List<Requesting<ByteBuffer>> serverInbound = new ArrayList<>();
            int batch = 100;
            for (int done = 0; done < CONNECTIONS; done += batch) {
                List<TaskHandle<TcpConnection>> connecting = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    connecting.add(TcpConnection.connect(moirai, listener.localAddress()));
                }
                for (TaskHandle<TcpConnection> h : connecting) {
                    TcpConnection c = h.join(WAIT);
                    c.inbound().subscribe(new Requesting<>(1));
                    clients.add(c);
                }
                for (int i = 0; i < batch; i++) {
                    TcpConnection s = acceptor.received.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS);
                    assertThat(s).as("accepted connection %d", servers.size()).isNotNull();
                    Requesting<ByteBuffer> in = new Requesting<>(1);
                    s.inbound().subscribe(in);
                    servers.add(s);
                    serverInbound.add(in);
                }
            }
            List<TaskHandle<Void>> timers = new ArrayList<>();
            for (int i = 0; i < TIMERS; i++) {
                timers.add(moirai.delay(Duration.ofHours(1).plusMillis(i)));
            }
            // the exact pendingTimers count is TimerTest's subject; here it only shows the timers are armed
            eventually(WAIT, () -> moirai.metrics().pendingTimers() >= 1,
                    () -> "pendingTimers " + moirai.metrics().pendingTimers());
            eventually(WAIT, () -> moirai.metrics().ioRegistrations() >= 2 * CONNECTIONS + 1,
                    () -> "ioRegistrations " + moirai.metrics().ioRegistrations());
            eventually(WAIT, () -> moirai.metrics().parkedWorkers() == moirai.metrics().workerThreads(),
                    () -> "parkedWorkers " + moirai.metrics().parkedWorkers());

            // time is the subject: measure the CPU the runtime's threads use over an idle window
            Map<Long, Long> before = cpuByThread(prefix);
            assertThat(before).as("threads named %s*", prefix).isNotEmpty();
            Thread.sleep(WINDOW.toMillis());
            Map<Long, Long> after = cpuByThread(prefix);
            long used = 0;
            for (Map.Entry<Long, Long> e : after.entrySet()) {
                used += e.getValue() - before.getOrDefault(e.getKey(), 0L);
            }
            System.out.printf("%s: %d threads, %d connections, %d timers: %.3f ms CPU in %s%n", prefix, after.size(),
                    2 * CONNECTIONS, TIMERS, used / 1e6, WINDOW);
            assertThat(TimeUnit.NANOSECONDS.toMillis(used))
                    .as("CPU ms used by the runtime's threads while idle for %s", WINDOW)
                    .isLessThan(MAX_CPU_MILLIS);

            // the connections were idle, not dead: read interest is still registered and works
            for (int i : new int[] {0, CONNECTIONS / 2, CONNECTIONS - 1}) {
                String text = "idle " + i;
                clients.get(i).outbound(just(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)))).join(WAIT);
                ByteBuffer got = serverInbound.get(i).received.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS);
                assertThat(got).as("bytes on idle connection %d", i).isNotNull();
                assertThat(StandardCharsets.UTF_8.decode(got).toString()).isEqualTo(text);
            }
            for (TaskHandle<Void> t : timers) {
                assertThat(t.isFinished()).isFalse();
            }
            clients.forEach(TcpConnection::close);
            servers.forEach(TcpConnection::close);
        }
    }
}

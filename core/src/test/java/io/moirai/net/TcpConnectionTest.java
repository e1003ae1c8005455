package io.moirai.net;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.failureOf;
import static io.moirai.TestSupport.eventually;
import static io.moirai.TestSupport.uniquePrefix;
import static io.moirai.net.NetSupport.ANY_LOOPBACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.moirai.TestSubscriber;
import io.moirai.TestSupport;
import io.moirai.task.TaskFailedException;
import io.moirai.task.TaskHandle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TcpListener and TcpConnection: errors, unicast rules, close, resets, accept backpressure, metrics. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpConnectionTest {

    /** How long a test watches for a signal that must not arrive (absence can only be observed over time). */
    private static final Duration QUIET = Duration.ofMillis(300);

    private static Moirai runtime(String name) {
        return Moirai.builder().workerThreads(2).threadNamePrefix(uniquePrefix(name)).build();
    }

    private static void awaitIoRegistrations(Moirai moirai, int expected) {
        eventually(WAIT, () -> moirai.metrics().ioRegistrations() == expected,
                () -> "ioRegistrations " + moirai.metrics().ioRegistrations() + ", expected " + expected);
    }

    // ---------------------------------------------------------------- bind and connect failures

    @Test
    void bindingABusyPortFailsNamingTheAddress() throws Exception {
        try (Moirai moirai = runtime("tcp-busy");
                ServerSocket occupant = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                TcpListener first = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            for (InetSocketAddress busy : List.of(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), occupant.getLocalPort()),
                    first.localAddress())) {
                assertThatThrownBy(() -> TcpListener.bind(moirai, busy))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining(String.valueOf(busy.getPort()));
            }
            assertThat(first.isOpen()).isTrue();
        }
    }

    @Test
    void connectingWhereNobodyListensFailsWithConnectException() throws Exception {
        try (Moirai moirai = runtime("tcp-refused")) {
            TaskHandle<TcpConnection> h = TcpConnection.connect(moirai, NetSupport.unusedLoopbackAddress());
            assertThatThrownBy(() -> h.join(WAIT)).isInstanceOf(TaskFailedException.class)
                    .cause().isInstanceOf(ConnectException.class);
            assertThat(h.isCancelled()).isFalse();
            awaitIoRegistrations(moirai, 0);
        }
    }

    @Test
    void nullAndBadArgumentsAreRejected() throws Exception {
        try (Moirai moirai = runtime("tcp-args");
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            assertThatThrownBy(() -> TcpListener.bind(null, ANY_LOOPBACK)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("moirai");
            assertThatThrownBy(() -> TcpListener.bind(moirai, null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("address");
            assertThatThrownBy(() -> TcpConnection.connect(null, listener.localAddress()))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("moirai");
            assertThatThrownBy(() -> TcpConnection.connect(moirai, null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("address");
            assertThatThrownBy(() -> listener.connections().subscribe(null)).isInstanceOf(NullPointerException.class);

            NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
            listener.connections().subscribe(queue);
            NetSupport.Pair pair = NetSupport.connect(moirai, listener, queue);
            assertThatThrownBy(() -> pair.client().outbound(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("data");
            assertThatThrownBy(() -> pair.client().inbound(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0");
            assertThatThrownBy(() -> pair.client().inbound().subscribe(null)).isInstanceOf(NullPointerException.class);
            pair.close();
        }
    }

    @Test
    void afterShutdownBindAndConnectAreRejected() throws Exception {
        Moirai moirai = runtime("tcp-rejected");
        assertThat(moirai.shutdown(WAIT)).isTrue();
        assertThatThrownBy(() -> TcpListener.bind(moirai, ANY_LOOPBACK)).isInstanceOf(RejectedExecutionException.class);
        InetSocketAddress somewhere = NetSupport.unusedLoopbackAddress();
        assertThatThrownBy(() -> TcpConnection.connect(moirai, somewhere)).isInstanceOf(RejectedExecutionException.class);
    }

    // ---------------------------------------------------------------- unicast and single output

    @Test
    void aSecondInboundSubscriberGetsIllegalState() throws Exception {
        try (Moirai moirai = runtime("tcp-unicast");
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
            listener.connections().subscribe(queue);
            NetSupport.Pair pair = NetSupport.connect(moirai, listener, queue);

            ByteSink first = new ByteSink(Long.MAX_VALUE, true);
            pair.server().inbound().subscribe(first);
            TestSubscriber<ByteBuffer> second = new TestSubscriber<>(1);
            pair.server().inbound().subscribe(second);
            assertThat(second.awaitError()).isInstanceOf(IllegalStateException.class);
            assertThat(second.isSubscribed()).isTrue();
            assertThat(second.values()).isEmpty();
            // also across publishers returned by inbound(int)
            TestSubscriber<ByteBuffer> third = new TestSubscriber<>(1);
            pair.server().inbound(16).subscribe(third);
            assertThat(third.awaitError()).isInstanceOf(IllegalStateException.class);
            assertThat(second.violations()).isEmpty();
            assertThat(third.violations()).isEmpty();

            // the first subscriber is unaffected
            pair.client().outbound(ListPublisher.of("still ", "mine")).join(WAIT);
            first.awaitComplete(WAIT);
            assertThat(first.text()).isEqualTo("still mine");
            pair.close();
        }
    }

    @Test
    void aSecondListenerSubscriberGetsIllegalState() throws Exception {
        try (Moirai moirai = runtime("tcp-unicast-listener");
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            TestSubscriber<TcpConnection> first = new TestSubscriber<>();
            listener.connections().subscribe(first);
            TestSubscriber<TcpConnection> second = new TestSubscriber<>(1);
            listener.connections().subscribe(second);
            assertThat(second.awaitError()).isInstanceOf(IllegalStateException.class);
            assertThat(second.violations()).isEmpty();
            assertThat(first.isTerminated()).isFalse();
        }
    }

    @Test
    void aSecondOutboundFailsWithIllegalState() throws Exception {
        try (Moirai moirai = runtime("tcp-outbound-twice");
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
            listener.connections().subscribe(queue);
            NetSupport.Pair pair = NetSupport.connect(moirai, listener, queue);
            ByteSink atServer = new ByteSink(Long.MAX_VALUE, true);
            pair.server().inbound().subscribe(atServer);

            ListPublisher firstData = ListPublisher.thenNever("first");
            TaskHandle<Void> first = pair.client().outbound(firstData);
            atServer.awaitBuffers(1);
            TaskHandle<Void> second = pair.client().outbound(ListPublisher.of("second"));
            assertThat(failureOf(second)).isInstanceOf(IllegalStateException.class);
            assertThat(first.isFinished()).isFalse();
            // once the first output was cancelled, another one is still refused
            first.cancel();
            assertThat(TestSupport.opensWithin(firstData.cancelled, WAIT)).as("cancelling the handle cancels the data").isTrue();
            assertThat(failureOf(pair.client().outbound(ListPublisher.of("third")))).isInstanceOf(IllegalStateException.class);
            assertThat(pair.client().isOpen()).as("cancelling the outbound keeps the socket open").isTrue();
            assertThat(atServer.text()).isEqualTo("first");
            pair.close();
        }
    }

    @Test
    void aNullBufferThrowsToTheSourceFailsTheHandleAndClosesTheConnection() throws Exception {
        try (Moirai moirai = runtime("tcp-outbound-null");
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
            listener.connections().subscribe(queue);
            NetSupport.Pair pair = NetSupport.connect(moirai, listener, queue);
            java.util.concurrent.CompletableFuture<Throwable> thrown = new java.util.concurrent.CompletableFuture<>();
            TaskHandle<Void> out = pair.client().outbound(s -> s.onSubscribe(new org.reactivestreams.Subscription() {
                @Override
                public void request(long n) {
                    try {
                        s.onNext(null);
                        thrown.complete(null);
                    } catch (Throwable t) {
                        thrown.complete(t);
                    }
                }

                @Override
                public void cancel() {}
            }));
            assertThat(thrown.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("§2.13: onNext(null) throws to the caller").isInstanceOf(NullPointerException.class);
            assertThat(failureOf(out)).isInstanceOf(NullPointerException.class).hasMessageContaining("§2.13");
            // a truncated stream must not look complete to the peer: the connection is closed
            eventually(WAIT, () -> !pair.client().isOpen(), () -> "the client connection is still open");
            pair.close();
        }
    }

    // ---------------------------------------------------------------- close

    @Test
    void operationsAfterCloseGetClearErrors() throws Exception {
        try (Moirai moirai = runtime("tcp-closed");
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
            listener.connections().subscribe(queue);
            NetSupport.Pair pair = NetSupport.connect(moirai, listener, queue);
            TcpConnection c = pair.client();
            c.close();
            c.close(); // idempotent
            assertThat(c.isOpen()).isFalse();

            TestSubscriber<ByteBuffer> in = new TestSubscriber<>(1);
            c.inbound().subscribe(in);
            assertThat(in.awaitError()).isInstanceOf(IllegalStateException.class);
            assertThat(in.isSubscribed()).isTrue();
            assertThat(in.violations()).isEmpty();

            ListPublisher data = ListPublisher.of("late");
            assertThat(failureOf(c.outbound(data))).isInstanceOf(IllegalStateException.class);

            // the peer sees the end of the stream
            ByteSink atServer = new ByteSink(Long.MAX_VALUE);
            pair.server().inbound().subscribe(atServer);
            assertThat(atServer.endsWithin(WAIT)).isTrue();
            assertThat(atServer.bytes()).isZero();
            pair.server().close();
        }
    }

    @Test
    void closeEndsAnActiveInboundAndOutboundWithClosedChannel() throws Exception {
        try (Moirai moirai = runtime("tcp-close-active");
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
            listener.connections().subscribe(queue);
            NetSupport.Pair pair = NetSupport.connect(moirai, listener, queue);
            ByteSink in = new ByteSink(Long.MAX_VALUE);
            pair.client().inbound().subscribe(in);
            ListPublisher data = ListPublisher.thenNever("x");
            TaskHandle<Void> out = pair.client().outbound(data);
            ByteSink atServer = new ByteSink(Long.MAX_VALUE);
            pair.server().inbound().subscribe(atServer);
            atServer.awaitBuffers(1);

            pair.client().close();
            assertThat(in.awaitError()).isInstanceOf(ClosedChannelException.class);
            assertThat(failureOf(out)).isInstanceOf(ClosedChannelException.class);
            assertThat(in.violations).isEmpty();
            pair.server().close();
        }
    }

    @Test
    void aPeerResetFailsInboundAndOutbound() throws Exception {
        try (Moirai moirai = runtime("tcp-reset");
                ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            TaskHandle<TcpConnection> connecting = TcpConnection.connect(moirai,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), plain.getLocalPort()));
            Socket peer = plain.accept();
            TcpConnection c = connecting.join(WAIT);
            ByteSink in = new ByteSink(Long.MAX_VALUE, true);
            c.inbound().subscribe(in);
            ListPublisher data = ListPublisher.thenNever("ping");
            TaskHandle<Void> out = c.outbound(data);

            // the connection works before the reset
            InputStream peerIn = peer.getInputStream();
            byte[] ping = peerIn.readNBytes(4);
            assertThat(new String(ping, StandardCharsets.UTF_8)).isEqualTo("ping");
            OutputStream peerOut = peer.getOutputStream();
            peerOut.write("pong".getBytes(StandardCharsets.UTF_8));
            peerOut.flush();
            in.awaitBuffers(1);

            // abortive close: the peer sends RST
            peer.setSoLinger(true, 0);
            peer.close();

            assertThat(in.awaitError()).isInstanceOf(IOException.class);
            assertThat(failureOf(out)).isInstanceOf(IOException.class);
            assertThat(in.text()).isEqualTo("pong");
            eventually(WAIT, () -> !c.isOpen(), () -> "connection still open after a reset");
            assertThat(in.violations).isEmpty();
            awaitIoRegistrations(moirai, 0);
        }
    }

    // ---------------------------------------------------------------- I/O threads

    /** Asserts that the accepted connections' inbound signals came from both I/O threads of the runtime. */
    private static void assertSpreadOverTwoIoThreads(String prefix, List<ByteSink> sinks) {
        Set<String> threads = new HashSet<>();
        for (int i = 0; i < sinks.size(); i++) {
            sinks.get(i).awaitComplete(WAIT);
            assertThat(sinks.get(i).text()).isEqualTo("conn " + i);
            assertThat(sinks.get(i).threads).as("threads of connection %d", i).hasSize(1);
            threads.addAll(sinks.get(i).threads);
        }
        assertThat(threads).as("inbound threads of %d accepted connections", sinks.size()).hasSize(2)
                .allMatch(t -> t.startsWith(prefix), "named with the runtime's prefix")
                .noneMatch(t -> t.contains("-worker-") || t.contains("-blocking-"));
    }

    @Test
    void acceptedConnectionsSpreadOverTheIoThreads() throws Exception {
        String prefix = uniquePrefix("tcp-spread");
        try (Moirai moirai = Moirai.builder().workerThreads(2).ioThreads(2).threadNamePrefix(prefix).build();
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
            listener.connections().subscribe(queue);
            int n = 6;
            List<ByteSink> sinks = new ArrayList<>();
            List<TcpConnection> servers = new ArrayList<>();
            // plain blocking clients: only the listener hands out this runtime's I/O threads
            for (int i = 0; i < n; i++) {
                try (Socket client = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort())) {
                    TcpConnection server = queue.next();
                    ByteSink sink = new ByteSink(Long.MAX_VALUE, true);
                    server.inbound().subscribe(sink);
                    client.getOutputStream().write(("conn " + i).getBytes(StandardCharsets.UTF_8));
                    client.shutdownOutput();
                    sink.awaitComplete(WAIT);
                    servers.add(server);
                    sinks.add(sink);
                }
            }
            assertSpreadOverTwoIoThreads(prefix, sinks);
            servers.forEach(TcpConnection::close);
        }
    }

    @Test
    void acceptedConnectionsSpreadOverTheIoThreadsAlsoWhenTheSameRuntimeConnects() throws Exception {
        String prefix = uniquePrefix("tcp-spread-self");
        try (Moirai moirai = Moirai.builder().workerThreads(2).ioThreads(2).threadNamePrefix(prefix).build();
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
            listener.connections().subscribe(queue);
            int n = 6;
            List<NetSupport.Pair> pairs = new ArrayList<>();
            List<ByteSink> sinks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                NetSupport.Pair pair = NetSupport.connect(moirai, listener, queue);
                ByteSink sink = new ByteSink(Long.MAX_VALUE, true);
                pair.server().inbound().subscribe(sink);
                pairs.add(pair);
                sinks.add(sink);
            }
            for (int i = 0; i < n; i++) {
                pairs.get(i).client().outbound(ListPublisher.of("conn " + i)).join(WAIT);
            }
            assertSpreadOverTwoIoThreads(prefix, sinks);
            pairs.forEach(NetSupport.Pair::close);
        }
    }

    // ---------------------------------------------------------------- accept backpressure

    @Test
    void acceptsOnlyWhileThereIsDemand() throws Exception {
        try (Moirai moirai = runtime("tcp-accept-demand");
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            TestSubscriber<TcpConnection> accepted = new TestSubscriber<>();
            listener.connections().subscribe(accepted);
            accepted.subscription();

            // the kernel completes the handshakes (backlog), but nothing is accepted without demand
            TcpConnection c1 = TcpConnection.connect(moirai, listener.localAddress()).join(WAIT);
            TcpConnection c2 = TcpConnection.connect(moirai, listener.localAddress()).join(WAIT);
            assertThat(accepted.valuesWithin(1, QUIET)).as("accepted without demand: %s", accepted).isFalse();

            accepted.request(1);
            accepted.awaitValues(1);
            assertThat(accepted.valuesWithin(2, QUIET)).as("accepted more than requested: %s", accepted).isFalse();
            assertThat(accepted.valueCount()).isEqualTo(1);

            accepted.request(1);
            accepted.awaitValues(2);
            Set<InetSocketAddress> clients = Set.of(c1.localAddress(), c2.localAddress());
            assertThat(accepted.values()).extracting(TcpConnection::remoteAddress)
                    .containsExactlyInAnyOrderElementsOf(clients);
            assertThat(accepted.violations()).isEmpty();
            accepted.values().forEach(TcpConnection::close);
            c1.close();
            c2.close();
        }
    }

    @Test
    void cancellingTheAcceptSubscriptionStopsAcceptingButKeepsTheListener() throws Exception {
        try (Moirai moirai = runtime("tcp-accept-cancel");
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            TestSubscriber<TcpConnection> accepted = new TestSubscriber<>(Long.MAX_VALUE);
            listener.connections().subscribe(accepted);
            TcpConnection c1 = TcpConnection.connect(moirai, listener.localAddress()).join(WAIT);
            accepted.awaitValues(1);
            accepted.cancel();
            TcpConnection c2 = TcpConnection.connect(moirai, listener.localAddress()).join(WAIT);
            assertThat(accepted.valuesWithin(2, QUIET)).as("accepted after cancel: %s", accepted).isFalse();
            assertThat(listener.isOpen()).isTrue();
            accepted.values().forEach(TcpConnection::close);
            c1.close();
            c2.close();
        }
    }

    // ---------------------------------------------------------------- addresses

    @Test
    void localAndRemoteAddressesMatch() throws Exception {
        try (Moirai moirai = runtime("tcp-addr");
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK)) {
            InetSocketAddress bound = listener.localAddress();
            assertThat(bound.getPort()).isPositive();
            assertThat(bound.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
            NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
            listener.connections().subscribe(queue);
            NetSupport.Pair pair = NetSupport.connect(moirai, listener, queue);
            assertThat(pair.client().remoteAddress()).isEqualTo(bound);
            assertThat(pair.server().localAddress()).isEqualTo(bound);
            assertThat(pair.server().remoteAddress()).isEqualTo(pair.client().localAddress());
            assertThat(pair.client().localAddress().getPort()).isPositive().isNotEqualTo(bound.getPort());
            pair.close();
        }
    }

    // ---------------------------------------------------------------- listener close, metrics, shutdown

    @Test
    void closingTheListenerCompletesItsSubscriberAndKeepsAcceptedConnections() throws Exception {
        try (Moirai moirai = runtime("tcp-listener-close")) {
            TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK);
            TestSubscriber<TcpConnection> accepted = new TestSubscriber<>(Long.MAX_VALUE);
            listener.connections().subscribe(accepted);
            TcpConnection client = TcpConnection.connect(moirai, listener.localAddress()).join(WAIT);
            accepted.awaitValues(1);
            TcpConnection server = accepted.values().get(0);

            listener.close();
            listener.close(); // idempotent
            accepted.awaitTerminal();
            assertThat(accepted.completions()).isEqualTo(1);
            assertThat(accepted.errors()).isEmpty();
            assertThat(accepted.violations()).isEmpty();
            assertThat(listener.isOpen()).isFalse();

            // the accepted connection still works
            ByteSink atServer = new ByteSink(Long.MAX_VALUE, true);
            server.inbound().subscribe(atServer);
            client.outbound(ListPublisher.of("after close")).join(WAIT);
            atServer.awaitComplete(WAIT);
            assertThat(atServer.text()).isEqualTo("after close");

            // close() returned: the port is released, nobody listens any more
            TaskHandle<TcpConnection> refused = TcpConnection.connect(moirai, listener.localAddress());
            assertThat(failureOf(refused)).isInstanceOf(ConnectException.class);
            // and the address can be bound again at once
            TcpListener.bind(moirai, listener.localAddress()).close();
            client.close();
            server.close();
        }
    }

    @Test
    void closingTheListenerRightAfterSubscribingCompletesTheSubscriber() throws Exception {
        try (Moirai moirai = runtime("tcp-listener-close-race")) {
            for (int i = 0; i < 200; i++) {
                TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK);
                TestSubscriber<TcpConnection> accepted = new TestSubscriber<>(i % 2 == 0 ? Long.MAX_VALUE : 1);
                listener.connections().subscribe(accepted);
                listener.close();
                accepted.awaitTerminal();
                assertThat(accepted.errors()).as("round %d: close must complete the subscriber", i).isEmpty();
                assertThat(accepted.completions()).isEqualTo(1);
                assertThat(accepted.violations()).isEmpty();
            }
            awaitIoRegistrations(moirai, 0);
        }
    }

    @Test
    void ioRegistrationsCountListenersAndConnections() throws Exception {
        try (Moirai moirai = runtime("tcp-registrations")) {
            assertThat(moirai.metrics().ioRegistrations()).isZero();
            TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK);
            NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
            listener.connections().subscribe(queue);
            awaitIoRegistrations(moirai, 1);

            NetSupport.Pair pair = NetSupport.connect(moirai, listener, queue);
            ByteSink atClient = new ByteSink(1);
            ByteSink atServer = new ByteSink(1);
            pair.client().inbound().subscribe(atClient);
            pair.server().inbound().subscribe(atServer);
            awaitIoRegistrations(moirai, 3);

            NetSupport.Pair second = NetSupport.connect(moirai, listener, queue);
            second.client().inbound().subscribe(new ByteSink(1));
            second.server().inbound().subscribe(new ByteSink(1));
            awaitIoRegistrations(moirai, 5);

            pair.client().close();
            awaitIoRegistrations(moirai, 4);
            pair.server().close();
            awaitIoRegistrations(moirai, 3);
            second.close();
            awaitIoRegistrations(moirai, 1);
            listener.close();
            awaitIoRegistrations(moirai, 0);
        }
    }

    @Test
    void shutdownClosesListenersAndConnections() throws Exception {
        String prefix = uniquePrefix("tcp-shutdown");
        Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix(prefix).build();
        TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK);
        TestSubscriber<TcpConnection> accepted = new TestSubscriber<>(1);
        listener.connections().subscribe(accepted);
        TcpConnection client = TcpConnection.connect(moirai, listener.localAddress()).join(WAIT);
        accepted.awaitValues(1);
        TcpConnection server = accepted.values().get(0);
        ByteSink in = new ByteSink(Long.MAX_VALUE);
        client.inbound().subscribe(in);
        ListPublisher data = ListPublisher.thenNever("x");
        TaskHandle<Void> out = client.outbound(data);
        ByteSink atServer = new ByteSink(Long.MAX_VALUE);
        server.inbound().subscribe(atServer);
        atServer.awaitBuffers(1);

        assertThat(moirai.shutdown(WAIT)).isTrue();
        assertThat(accepted.awaitError()).isInstanceOf(CancellationException.class);
        assertThat(in.awaitError()).isInstanceOf(CancellationException.class);
        assertThatThrownBy(() -> out.join(WAIT)).isInstanceOf(CancellationException.class);
        assertThat(atServer.awaitError()).isInstanceOf(CancellationException.class);
        assertThat(listener.isOpen()).isFalse();
        assertThat(client.isOpen()).isFalse();
        assertThat(server.isOpen()).isFalse();
        TestSupport.assertNoThreadsLeft(prefix);
    }

    @Test
    void shutdownEndsEchoesCancelledNotFailed() throws Exception {
        String prefix = uniquePrefix("tcp-echo-shutdown");
        Moirai moirai = Moirai.builder().workerThreads(2).ioThreads(2).threadNamePrefix(prefix).build();
        TcpListener listener = TcpListener.bind(moirai, ANY_LOOPBACK);
        NetSupport.AcceptQueue queue = new NetSupport.AcceptQueue();
        listener.connections().subscribe(queue);
        List<TaskHandle<Void>> echoes = new ArrayList<>();
        List<Socket> clients = new ArrayList<>(); // plain sockets: only the shutdown can end an echo
        try {
            for (int i = 0; i < 20; i++) {
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.localAddress().getPort());
                client.setSoTimeout((int) WAIT.toMillis());
                clients.add(client);
                TcpConnection server = queue.next();
                echoes.add(server.outbound(server.inbound()));
                client.getOutputStream().write('x');
                assertThat(client.getInputStream().read()).isEqualTo('x'); // the echo is live
            }

            assertThat(moirai.shutdown(WAIT)).isTrue();
            for (TaskHandle<Void> echo : echoes) {
                assertThatThrownBy(() -> echo.join(WAIT)).as("an echo ended by shutdown")
                        .isInstanceOf(CancellationException.class);
                assertThat(echo.isCancelled()).isTrue();
            }
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
        TestSupport.assertNoThreadsLeft(prefix);
    }
}

package io.moirai.net;

import io.moirai.Moirai;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Run by {@link DescriptorExhaustionTest} in a JVM of its own with a small descriptor limit: a
 * listener accepts and holds connections while clients open more until the process runs out of
 * descriptors, so accepts fail with "Too many open files"; then most descriptors are given back, and
 * the listener must serve a new client. Prints one line per step; exits 0 only if the listener came
 * back, and 1 (with the reason) otherwise. Loopback only, bounded counts and waits.
 */
public final class AcceptExhaustionProbe {

    private static final int MAX_CLIENTS = 2_000;

    private AcceptExhaustionProbe() {}

    public static void main(String[] args) throws Exception {
        // test classes come from directories, and loading one needs a descriptor: load the ones the
        // exhausted phase runs before the table is full (from a jar they would be loaded already)
        for (String c : List.of("io.moirai.internal.net.AcceptBackoff", "io.moirai.internal.task.TimerTask",
                "io.moirai.internal.time.Ticks")) {
            Class.forName(c);
        }
        CountDownLatch acceptFailed = new CountDownLatch(1);
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        try (Moirai moirai = Moirai.builder().workerThreads(1).ioThreads(1).droppedErrorHandler(e -> {
            dropped.add(e);
            if (String.valueOf(e.getMessage()).startsWith("accepting on")) {
                acceptFailed.countDown();
            }
        }).build()) {
            TcpListener listener = TcpListener.bind(moirai, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            LinkedBlockingQueue<TcpConnection> accepted = new LinkedBlockingQueue<>();
            LinkedBlockingQueue<Throwable> ended = new LinkedBlockingQueue<>();
            listener.connections().subscribe(new Subscriber<>() {
                @Override
                public void onSubscribe(Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(TcpConnection c) {
                    accepted.add(c);
                }

                @Override
                public void onError(Throwable t) {
                    ended.add(t);
                }

                @Override
                public void onComplete() {
                    ended.add(new IllegalStateException("completed"));
                }
            });

            // one connection first, closed at both ends: the JDK initialises what closing needs (which
            // takes a descriptor) now, not when the table is full
            try (Socket warmUp = new Socket()) {
                warmUp.connect(listener.localAddress(), 2_000);
                TcpConnection c = accepted.poll(20, TimeUnit.SECONDS);
                if (c == null) {
                    fail("the warm-up connection was not accepted");
                }
                c.close();
            }

            List<Socket> clients = new ArrayList<>();
            IOException clientFailure = null;
            for (int i = 0; i < MAX_CLIENTS && clientFailure == null; i++) {
                try {
                    Socket s = new Socket();
                    clients.add(s);
                    s.connect(listener.localAddress(), 2_000);
                } catch (IOException e) {
                    clientFailure = e;
                }
            }
            System.out.println("clients opened: " + clients.size() + ", accepted: " + accepted.size()
                    + ", client failure: " + clientFailure);
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!acceptFailed.await(100, TimeUnit.MILLISECONDS)) {
                if (!ended.isEmpty()) {
                    fail("connections() ended when accept failed: " + ended.peek());
                }
                if (System.nanoTime() - waitUntil > 0) {
                    fail("no accept failed for want of descriptors; dropped errors: " + dropped);
                }
            }
            System.out.println("accept failed and was reported: " + dropped.get(0).getMessage());

            // give the descriptors back: every client and every accepted connection
            for (Socket s : clients) {
                s.close();
            }
            for (TcpConnection c; (c = accepted.poll()) != null; ) {
                c.close();
            }
            if (!ended.isEmpty()) {
                fail("connections() ended: " + ended.peek());
            }

            try (Socket fresh = new Socket()) {
                fresh.connect(listener.localAddress(), 2_000);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                // the backlog's old connections (closed by their clients) come first; ours follows
                while (System.nanoTime() < deadline) {
                    TcpConnection c = accepted.poll(1, TimeUnit.SECONDS);
                    if (c != null && c.remoteAddress().getPort() == fresh.getLocalPort()) {
                        System.out.println("served again: accepted " + c.remoteAddress());
                        c.close();
                        listener.close();
                        System.exit(0);
                    }
                    if (c != null) {
                        c.close();
                    }
                }
                fail("the listener did not accept a new client within 20 s; ended: " + ended.peek());
            }
        }
    }

    private static void fail(String why) {
        System.out.println("FAILED: " + why);
        System.exit(1);
    }
}

package io.moirai.benchmarks.beyond;

import static io.moirai.benchmarks.beyond.BeyondJmh.*;

import io.moirai.Moirai;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** The Moirai listener whose accepted connections stay idle, each with a reading subscriber. */
final class IdleServer implements AutoCloseable {
    final TcpListener listener;
    final ConcurrentLinkedQueue<TcpConnection> connections = new ConcurrentLinkedQueue<>();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger subscribed = new AtomicInteger();
    final AtomicInteger touched = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final LongAdder bytes = new LongAdder();
    volatile Throwable lastFailure;

    IdleServer(Moirai moirai) throws IOException {
        listener = TcpListener.bind(moirai, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.connections().subscribe(new Subscriber<TcpConnection>() {
            @Override
            public void onSubscribe(Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(TcpConnection c) {
                connections.add(c);
                accepted.incrementAndGet();
                c.inbound().subscribe(new Reader());
            }

            @Override
            public void onError(Throwable t) {
                lastFailure = t;
                failures.incrementAndGet();
            }

            @Override
            public void onComplete() {}
        });
    }

    /** Requests one buffer at a time, counts bytes; an idle connection keeps one request outstanding. */
    final class Reader implements Subscriber<ByteBuffer> {
        private Subscription subscription;
        private boolean got;

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            subscribed.incrementAndGet();
            s.request(1);
        }

        @Override
        public void onNext(ByteBuffer b) {
            bytes.add(b.remaining());
            if (!got) {
                got = true;
                touched.incrementAndGet();
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            lastFailure = t;
            failures.incrementAndGet();
        }

        @Override
        public void onComplete() {
            failures.incrementAndGet(); // the peer closed an idle connection
        }
    }

    InetSocketAddress address() {
        return listener.localAddress();
    }

    String state() {
        return "accepted " + accepted + ", subscribed " + subscribed + ", bytes " + bytes.sum() + ", failures "
                + failures + (lastFailure == null ? "" : " (last: " + lastFailure + ")");
    }

    @Override
    public void close() {
        listener.close();
        connections.forEach(TcpConnection::close);
    }
}

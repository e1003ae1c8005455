package io.moirai.rsocket.internal;

import io.moirai.net.NetBuffer;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Stands for the socket's writer behind {@code TcpConnection.send}: takes one buffer at a time,
 * "writes" it (records its bytes), releases it, and then, if {@code autoRequest}, asks for the next,
 * as the real writer does once a buffer is written whole.
 *
 * <p>Threads: signals serially from the publisher; the record is safe to read from the test thread
 * after the signals (the fields are volatile or concurrent).
 */
final class RecordingWriter implements Subscriber<NetBuffer> {

    final List<Integer> writeSizes = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final boolean autoRequest;
    volatile Subscription subscription;

    /** @param autoRequest whether to ask for one buffer at the start and the next after each write */
    RecordingWriter(boolean autoRequest) {
        this.autoRequest = autoRequest;
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        if (autoRequest) {
            s.request(1);
        }
    }

    @Override
    public void onNext(NetBuffer buffer) {
        byte[] bytes = new byte[buffer.data().remaining()];
        buffer.data().get(bytes);
        synchronized (written) {
            written.write(bytes, 0, bytes.length);
        }
        writeSizes.add(bytes.length);
        buffer.release();
        if (autoRequest) {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable t) {
        ended.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        ended.complete(null);
    }

    /** @return every byte written so far */
    byte[] bytes() {
        synchronized (written) {
            return written.toByteArray();
        }
    }
}

package io.moirai.net;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A unicast test publisher of {@code total} pseudo-random bytes (xorshift64* from a fixed seed) in
 * fresh buffers of {@code chunkSize} bytes (the last one may be shorter). It honours demand exactly,
 * emits through one work-in-progress loop (a {@code request} inside {@code onNext} does not recurse,
 * §3.3), and records what was requested and emitted so tests can observe backpressure. The CRC32 of
 * everything emitted is available once the source completed.
 */
final class ByteSource implements Publisher<ByteBuffer> {

    private final long seed;
    private final long total;
    private final int chunkSize;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong requestCalls = new AtomicLong();
    private final AtomicLong emittedBytes = new AtomicLong();
    private final AtomicLong emittedBuffers = new AtomicLong();
    private volatile boolean cancelled;
    private volatile boolean completed;
    private volatile long crc = -1;

    ByteSource(long seed, long total, int chunkSize) {
        if (chunkSize < 8 || chunkSize % 8 != 0) {
            throw new IllegalArgumentException("chunkSize must be a positive multiple of 8");
        }
        this.seed = seed;
        this.total = total;
        this.chunkSize = chunkSize;
    }

    long total() {
        return total;
    }

    /** @return the sum of all positive requests (saturating) */
    long requested() {
        return requested.get();
    }

    long requestCalls() {
        return requestCalls.get();
    }

    long emittedBytes() {
        return emittedBytes.get();
    }

    long emittedBuffers() {
        return emittedBuffers.get();
    }

    boolean isCancelled() {
        return cancelled;
    }

    boolean isCompleted() {
        return completed;
    }

    /** @return the CRC32 of all bytes emitted; only once the source completed */
    long crc() {
        if (!completed) {
            throw new IllegalStateException("source has not completed: " + this);
        }
        return crc;
    }

    @Override
    public void subscribe(Subscriber<? super ByteBuffer> s) {
        Objects.requireNonNull(s, "subscriber"); // §1.9
        if (!subscribed.compareAndSet(false, true)) {
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            s.onError(new IllegalStateException("ByteSource is unicast"));
            return;
        }
        Emitter e = new Emitter(s);
        s.onSubscribe(e);
        e.drain();
    }

    @Override
    public String toString() {
        return "ByteSource[total=" + total + ", requested=" + requested + ", emittedBytes=" + emittedBytes
                + ", emittedBuffers=" + emittedBuffers + ", cancelled=" + cancelled + ", completed=" + completed + "]";
    }

    private final class Emitter implements Subscription {
        private final Subscriber<? super ByteBuffer> downstream;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile Throwable badRequest;
        // only touched inside the drain loop
        private final CRC32 checksum = new CRC32();
        private long state;
        private long produced;
        private boolean done;

        Emitter(Subscriber<? super ByteBuffer> downstream) {
            this.downstream = downstream;
            this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        }

        private long nextLong() {
            long x = state;
            x ^= x >>> 12;
            x ^= x << 25;
            x ^= x >>> 27;
            state = x;
            return x * 0x2545F4914F6CDD1DL;
        }

        @Override
        public void request(long n) {
            requestCalls.incrementAndGet();
            if (n <= 0) {
                badRequest = new IllegalArgumentException("§3.9: request must be positive, got " + n);
            } else {
                requested.accumulateAndGet(n, ByteSource::addCap);
                demand.accumulateAndGet(n, ByteSource::addCap);
            }
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            while (true) {
                if (!done && !cancelled) {
                    if (badRequest != null) {
                        done = true;
                        downstream.onError(badRequest);
                    } else {
                        while (produced < total && !cancelled && demand.get() > 0) {
                            int size = (int) Math.min(chunkSize, total - produced);
                            ByteBuffer b = ByteBuffer.allocate(size);
                            while (b.remaining() >= 8) {
                                b.putLong(nextLong());
                            }
                            if (b.hasRemaining()) {
                                long last = nextLong();
                                while (b.hasRemaining()) {
                                    b.put((byte) last);
                                    last >>>= 8;
                                }
                            }
                            b.flip();
                            checksum.update(b.duplicate());
                            produced += size;
                            if (demand.get() != Long.MAX_VALUE) {
                                demand.decrementAndGet();
                            }
                            emittedBytes.addAndGet(size);
                            emittedBuffers.incrementAndGet();
                            downstream.onNext(b);
                        }
                        if (produced == total && !cancelled) {
                            done = true;
                            crc = checksum.getValue();
                            completed = true;
                            downstream.onComplete();
                        }
                    }
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }
    }

    static long addCap(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}

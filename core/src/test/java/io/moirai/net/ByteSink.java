package io.moirai.net;

import static org.assertj.core.api.Assertions.fail;

import io.moirai.TestSupport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A test subscriber of byte buffers: counts buffers and bytes, checksums them (CRC32), records the
 * threads that delivered them, optionally keeps the bytes, checks §1.3 and the signal order, and
 * exposes its end as a future ({@code done}: completes on {@code onComplete}, fails on
 * {@code onError}).
 */
final class ByteSink implements Subscriber<ByteBuffer> {

    final CompletableFuture<Subscription> subscription = new CompletableFuture<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    final List<String> violations = new CopyOnWriteArrayList<>();

    private final long initialRequest;
    private final boolean keep;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong buffers = new AtomicLong();
    private final AtomicInteger maxBuffer = new AtomicInteger();
    private final AtomicInteger inSignal = new AtomicInteger();
    private final Object monitor = new Object();
    // written only inside onNext (signals are serial), read after done
    private final CRC32 crc = new CRC32();
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private volatile long finalCrc = -1;

    /** @param initialRequest requested inside onSubscribe when positive */
    ByteSink(long initialRequest) {
        this(initialRequest, false);
    }

    /** @param keep whether to keep the received bytes (for small messages) */
    ByteSink(long initialRequest, boolean keep) {
        this.initialRequest = initialRequest;
        this.keep = keep;
    }

    private void enter(String signal) {
        if (inSignal.getAndIncrement() != 0) {
            violations.add(signal + " overlapped another signal (§1.3)");
        }
        if (!signal.equals("onSubscribe") && !subscription.isDone()) {
            violations.add(signal + " before onSubscribe");
        }
        if (done.isDone()) {
            violations.add(signal + " after a terminal signal");
        }
    }

    @Override
    public void onSubscribe(Subscription s) {
        enter("onSubscribe");
        try {
            if (!subscription.complete(s)) {
                violations.add("onSubscribe twice");
            }
            if (initialRequest > 0) {
                s.request(initialRequest);
            }
        } finally {
            inSignal.decrementAndGet();
        }
    }

    @Override
    public void onNext(ByteBuffer b) {
        enter("onNext");
        try {
            if (b == null) {
                violations.add("onNext(null) (§2.13)");
                return;
            }
            threads.add(Thread.currentThread().getName());
            int n = b.remaining();
            if (n == 0) {
                violations.add("empty buffer");
            }
            crc.update(keep ? b.duplicate() : b);
            if (keep) {
                byte[] a = new byte[n];
                b.get(a);
                kept.write(a, 0, n);
            }
            maxBuffer.accumulateAndGet(n, Math::max);
            bytes.addAndGet(n);
            buffers.incrementAndGet();
            synchronized (monitor) {
                monitor.notifyAll();
            }
        } finally {
            inSignal.decrementAndGet();
        }
    }

    @Override
    public void onError(Throwable t) {
        enter("onError");
        try {
            done.completeExceptionally(t);
        } finally {
            inSignal.decrementAndGet();
        }
    }

    @Override
    public void onComplete() {
        enter("onComplete");
        try {
            finalCrc = crc.getValue();
            done.complete(null);
        } finally {
            inSignal.decrementAndGet();
        }
    }

    Subscription subscription() {
        try {
            return subscription.get(TestSupport.WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            throw new AssertionError("no onSubscribe within " + TestSupport.WAIT, e);
        }
    }

    void request(long n) {
        subscription().request(n);
    }

    void cancel() {
        subscription().cancel();
    }

    long bytes() {
        return bytes.get();
    }

    long buffers() {
        return buffers.get();
    }

    int maxBuffer() {
        return maxBuffer.get();
    }

    /** @return the CRC32 of everything received; only after onComplete */
    long crc() {
        if (!done.isDone() || done.isCompletedExceptionally()) {
            throw new IllegalStateException("sink has not completed normally: " + this);
        }
        return finalCrc;
    }

    /** @return the bytes received as UTF-8 (sinks created with keep = true) */
    String text() {
        synchronized (kept) {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits until at least {@code n} buffers arrived, failing after {@link TestSupport#WAIT}. */
    void awaitBuffers(long n) {
        long deadline = System.nanoTime() + TestSupport.WAIT.toNanos();
        synchronized (monitor) {
            while (buffers.get() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("fewer than " + n + " buffers within " + TestSupport.WAIT + ": " + this);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Waits for onComplete, failing on onError or after {@code timeout}. */
    void awaitComplete(Duration timeout) {
        try {
            done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("sink failed instead of completing: " + this, e.getCause());
        } catch (CancellationException e) {
            // CompletableFuture.get rethrows a CancellationException cause unwrapped
            throw new AssertionError("sink failed instead of completing: " + this, e);
        } catch (TimeoutException e) {
            fail("sink did not complete within " + timeout + ": " + this);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for onError and returns the error, failing on onComplete or after {@link TestSupport#WAIT}. */
    Throwable awaitError() {
        try {
            done.get(TestSupport.WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            // CompletableFuture.get rethrows a CancellationException cause unwrapped
            return e;
        } catch (TimeoutException e) {
            fail("sink did not fail within " + TestSupport.WAIT + ": " + this);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        throw new AssertionError("sink completed instead of failing: " + this);
    }

    /** @return whether the sink ended (either way) within {@code period}; for "must not end yet" checks */
    boolean endsWithin(Duration period) {
        try {
            done.get(period.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException | CancellationException e) {
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public String toString() {
        return "ByteSink[bytes=" + bytes + ", buffers=" + buffers + ", maxBuffer=" + maxBuffer + ", done=" + done
                + ", threads=" + threads + ", violations=" + violations + "]";
    }
}

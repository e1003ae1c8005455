package io.moirai.rsocket;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A pooled allocator that remembers every buffer it hands out, so a test can check, without waiting
 * for the garbage collector, that each one was released: given to the transports as
 * {@code Settings.allocator}, it sees every inbound frame they copy and every frame RSocket encodes
 * for them ({@code DuplexConnection.alloc()}). It also records the largest capacity asked for, so a
 * test can check that a frame announced but not sent was not allocated.
 *
 * <p>Threads: any; the record is a concurrent queue.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {

    private final Queue<ByteBuf> handedOut = new ConcurrentLinkedQueue<>();
    private final AtomicInteger largest = new AtomicInteger();

    TrackingAllocator() {
        super(true);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(PooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity), initialCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(PooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity), initialCapacity);
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        CompositeByteBuf b = super.compositeHeapBuffer(maxNumComponents);
        handedOut.add(b);
        return b;
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        CompositeByteBuf b = super.compositeDirectBuffer(maxNumComponents);
        handedOut.add(b);
        return b;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return true;
    }

    private ByteBuf track(ByteBuf b, int initialCapacity) {
        handedOut.add(b);
        largest.accumulateAndGet(initialCapacity, Math::max);
        return b;
    }

    /** @return how many buffers were handed out */
    int count() {
        return handedOut.size();
    }

    /** @return the largest initial capacity asked for */
    int largestAllocation() {
        return largest.get();
    }

    /** @return the buffers not released yet */
    List<ByteBuf> unreleased() {
        return handedOut.stream().filter(b -> b.refCnt() != 0).collect(Collectors.toList());
    }

    /**
     * Waits until every buffer handed out was released (a connection being closed releases what it
     * queued on its own threads), at most {@code timeout}.
     *
     * @param timeout the longest wait
     * @throws AssertionError naming the unreleased buffers if some remain
     */
    void assertAllReleased(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ByteBuf> left = unreleased();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // polls a condition, orders nothing
            left = unreleased();
        }
        if (!left.isEmpty()) {
            throw new AssertionError(left.size() + " of " + count() + " ByteBufs not released after " + timeout
                    + ": " + left.stream().limit(5).map(ByteBuf::toString).collect(Collectors.joining(", ")));
        }
    }
}

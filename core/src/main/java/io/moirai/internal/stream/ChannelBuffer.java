package io.moirai.internal.stream;

import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.task.SendTask;
import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.MpscLinkedQueue;

/**
 * What a {@link ChannelCore} holds for its receiver: the items sent, and the sends waiting for room.
 *
 * <p>{@code queue}, a JCTools {@link MpscArrayQueue} filled only up to {@code capacity}
 * ({@code offerIfBelowThreshold}), holds what was sent. {@code waiters}, a JCTools
 * {@link MpscLinkedQueue} of {@link SendTask}s, holds the sends that found it full, each with its
 * item; {@code waiting} counts them, incremented before the offer, so {@code waiting == 0} means none
 * is pending. While any send waits, {@link #offer} steps aside, so a producer's items keep their
 * order. {@link #moveWaiters()} moves waiters into the queue as space frees, claiming each first: a
 * cancelled send is skipped, a claimed one can no longer be cancelled. A claimed waiter that lost the
 * free slot to a racing {@code trySend} is held in {@code stalled} and goes first next time.
 *
 * <p>This class knows nothing of the channel's state: {@link ChannelCore} decides when it may be
 * offered to, drained or released.
 *
 * <p><b>Threads.</b> {@link #offer}, {@link #addWaiter}, {@link #waiting()}, {@link #size()} and
 * {@link #enqueued()} from any thread; {@link #poll()}, {@link #moveWaiters()},
 * {@link #hasWaiters()}, {@link #canMoveWaiter()} and {@link #release} from the drain only (the
 * queue's consumer); {@link #takeBackLeftover} from late producers once the drain has ended for good.
 *
 * @param <T> the item type
 */
final class ChannelBuffer<T> {

    private static final VarHandle WAITING = VarHandles.field(MethodHandles.lookup(), "waiting", int.class);

    private final int capacity;
    private final MpscArrayQueue<T> queue;
    private final MpscLinkedQueue<SendTask<T>> waiters = new MpscLinkedQueue<>();
    @SuppressWarnings("unused") private volatile int waiting;
    /** The handle of every send that went straight into the buffer: completed once, shared. */
    private final SendTask<T> enqueued;

    // drain thread only
    private SendTask<T> stalled;
    /** Items late producers found in the buffer after the drain ended (never delivered); guarded by itself. */
    private final List<T> leftovers = new ArrayList<>(0);

    ChannelBuffer(ComputeScheduler scheduler, int capacity) {
        this.capacity = capacity;
        this.queue = new MpscArrayQueue<>(Math.max(2, capacity));
        this.enqueued = new SendTask<>(scheduler, null);
        enqueued.tryClaim();
        enqueued.enqueued();
    }

    /** @return the completed handle every send that went straight in shares */
    SendTask<T> enqueued() {
        return enqueued;
    }

    /** @return whether {@code item} went in: no send waits and the buffer has room */
    boolean offer(T item) {
        return waiting == 0 && queue.offerIfBelowThreshold(item, capacity);
    }

    /** Queues a send that must wait for room; the caller then re-reads the channel's state (Dekker). */
    void addWaiter(SendTask<T> task) {
        WAITING.getAndAdd(this, 1);
        waiters.offer(task); // an atomic exchange: ordered before the caller's next volatile read
    }

    /** @return sends counted as waiting (some may not have been offered yet) */
    int waiting() {
        return waiting;
    }

    /** @return items in the buffer now, a snapshot */
    int size() {
        return queue.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Drain thread. */
    T poll() {
        return queue.poll();
    }

    /** Drain thread: a send waits, claimed or not. */
    boolean hasWaiters() {
        return stalled != null || waiting != 0;
    }

    /** Drain thread: a waiting send could move in now. */
    boolean canMoveWaiter() {
        return (stalled != null || !waiters.isEmpty()) && queue.size() < capacity;
    }

    /**
     * Moves waiting sends into the buffer while it has room. Drain thread.
     *
     * @return how many moved
     */
    int moveWaiters() {
        int moved = 0;
        for (;;) {
            SendTask<T> w = stalled;
            if (w == null) {
                if (waiting == 0 || queue.size() >= capacity) {
                    return moved; // claim a waiter only when it can go in: until then it stays cancellable
                }
                w = waiters.poll();
                if (w == null) {
                    return moved; // a sender counted itself but has not offered yet; it signals after
                }
                WAITING.getAndAdd(this, -1);
                if (!w.tryClaim()) {
                    continue; // cancelled: its item is dropped, as its cancel promised
                }
            }
            if (!queue.offerIfBelowThreshold(w.item(), capacity)) {
                stalled = w; // a trySend raced us to the free slot: it goes first when space frees
                return moved;
            }
            stalled = null;
            w.enqueued();
            moved++;
        }
    }

    /**
     * The channel was cancelled, shut down or aborted: drops every item and ends every waiting send.
     * Drain thread (or the thread that terminated the channel, which is then the only consumer).
     *
     * @param why what refused sends fail with
     * @param shutDown the runtime shut down: unclaimed sends end cancelled rather than failed
     */
    void release(RuntimeException why, boolean shutDown) {
        queue.clear();
        SendTask<T> claimed = stalled;
        stalled = null;
        if (claimed != null) {
            claimed.reject(why); // already claimed: it can no longer end cancelled
        }
        for (SendTask<T> w; (w = waiters.poll()) != null; ) {
            WAITING.getAndAdd(this, -1);
            if (shutDown) {
                w.cancel(); // shutdown: pending handles end cancelled
            } else if (w.tryClaim()) {
                w.reject(why);
            }
        }
    }

    /**
     * After the drain ended normally: removes {@code item} from what is left in the buffer. Every
     * late producer calls this under {@code leftovers}' lock, which makes it the queue's only consumer.
     *
     * @return false if {@code item} is not there (it was delivered)
     */
    boolean takeBackLeftover(T item) {
        synchronized (leftovers) {
            for (T x; (x = queue.poll()) != null; ) {
                leftovers.add(x);
            }
            for (int i = 0; i < leftovers.size(); i++) {
                if (leftovers.get(i) == item) {
                    leftovers.remove(i);
                    return true;
                }
            }
            return false;
        }
    }
}

package io.moirai.internal.scheduler;

import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;

/**
 * A worker's local run queue: a fixed ring of {@value #CAPACITY} jobs, single producer, multiple
 * consumers. The ring is large enough for a task that fans out thousands of subtasks to keep them
 * all local (stealable), instead of pushing them through the global queue.
 *
 * <p><b>Who may call what.</b> Only the owning worker calls {@link #push}, {@link #pop} and
 * {@link #overflowInto}. Any worker may call {@link #stealInto} (with its own queue as destination);
 * any thread may call {@link #poll} (shutdown) and {@link #size}.
 *
 * <p><b>Protocol.</b> {@code tail} is written only by the owner (release); {@code head} is advanced by
 * every consumer - the owner popping, a thief stealing a batch - with a CAS. A consumer reads the
 * slots in {@code [head, head + n)} first and claims them by moving {@code head} from the value it
 * read; since the owner never writes a slot while it is in {@code [head, head + CAPACITY)}, the slots
 * it read are intact whenever its CAS succeeds, and a failed CAS discards what it read. {@code head}
 * only grows, so there is no ABA. The owner nulls the slots it pops; slots taken by a thief keep
 * their stale reference until the owner writes them again (thieves must not write: the owner may
 * already reuse the slot).
 */
final class LocalQueue {

    static final int CAPACITY = 1 << 14;
    private static final int MASK = CAPACITY - 1;

    private static final VarHandle HEAD = VarHandles.field(MethodHandles.lookup(), "head", long.class);
    private static final VarHandle TAIL = VarHandles.field(MethodHandles.lookup(), "tail", long.class);

    /** Below this cached size, {@link #push} reads the real head (the caller's wake-up decision needs it). */
    static final int HEAD_EXACT_BELOW = 4;
    /** {@link #push} reads the real head at least every this many pushes (a power of two). */
    static final int HEAD_REFRESH = 64;

    private final Job[] buffer = new Job[CAPACITY];
    /** The owner's last view of {@code head}; never ahead of it. Owner only. */
    private long headCache;
    @SuppressWarnings("unused") // accessed through HEAD
    private volatile long head;
    @SuppressWarnings("unused") // written by the owner through TAIL (release), read by thieves (acquire)
    private long tail;

    /**
     * Owner only. Appends a job. The owner keeps its last view of {@code head} and re-reads the real
     * one only when that view says the queue is nearly empty or full, or every
     * {@value #HEAD_REFRESH} pushes, so that a long run of pushes does not miss on the cache line
     * thieves write.
     *
     * @return an upper bound of the queue's size before the push (exact when it is below
     *     {@value #HEAD_EXACT_BELOW}), or -1 if the queue is full (nothing was pushed)
     */
    int push(Job job) {
        long t = (long) TAIL.get(this);
        long h = headCache;
        long size = t - h;
        if (size < HEAD_EXACT_BELOW || size >= CAPACITY || (t & (HEAD_REFRESH - 1)) == 0) {
            h = (long) HEAD.getVolatile(this);
            headCache = h;
            size = t - h;
            if (size >= CAPACITY) {
                return -1;
            }
        }
        buffer[(int) t & MASK] = job;
        TAIL.setRelease(this, t + 1);
        return (int) size;
    }

    /**
     * Owner only. Takes the oldest job that has not been claimed yet, or null if there is none. Jobs a
     * joiner already ran inline are skipped and their slots released in the same CAS.
     */
    Job pop() {
        long t = (long) TAIL.get(this);
        for (;;) {
            long h = (long) HEAD.getVolatile(this);
            long k = h;
            Job job = null;
            while (k < t) {
                job = buffer[(int) k & MASK];
                if (!job.isTaken()) {
                    break;
                }
                k++;
            }
            if (k == t) {
                if (h == t || HEAD.compareAndSet(this, h, t)) {
                    clear(h, t);
                    return null;
                }
                continue;
            }
            if (HEAD.compareAndSet(this, h, k + 1)) {
                clear(h, k + 1);
                return job;
            }
        }
    }

    /**
     * Owner only, right after its own CAS moved head past {@code [from, to)}: nulls those slots so the
     * queue does not retain finished jobs. Safe because only the owner writes slots, and it writes slot
     * {@code i} again only at tail {@code i + CAPACITY}.
     */
    private void clear(long from, long to) {
        for (long i = from; i < to; i++) {
            buffer[(int) i & MASK] = null;
        }
    }

    /** Any thread (shutdown): takes the oldest job, or null if the queue is empty. */
    Job poll() {
        for (;;) {
            long h = (long) HEAD.getVolatile(this);
            long t = (long) TAIL.getAcquire(this);
            if (h >= t) {
                return null;
            }
            Job job = buffer[(int) h & MASK];
            if (HEAD.compareAndSet(this, h, h + 1)) {
                return job;
            }
        }
    }

    /**
     * Owner only, when the queue is full: moves the older half of the queue and {@code extra} to the
     * global queue, so the owner's next pushes succeed.
     */
    void overflowInto(Queue<Job> global, Job extra) {
        Job[] batch = new Job[CAPACITY / 2];
        long t = (long) TAIL.get(this);
        for (;;) {
            long h = (long) HEAD.getVolatile(this);
            int n = (int) ((t - h) / 2);
            if (n == 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                batch[i] = buffer[(int) (h + i) & MASK];
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                for (int i = 0; i < n; i++) {
                    global.offer(batch[i]);
                }
                break;
            }
        }
        global.offer(extra);
    }

    /**
     * Any worker: steals about half of this queue into {@code dst} (the caller's own queue).
     *
     * @return one stolen job for the caller to run (the rest were added to {@code dst}), or null
     */
    Job stealInto(LocalQueue dst) {
        long dt = (long) TAIL.get(dst);
        long dstFree = CAPACITY - (dt - (long) HEAD.getVolatile(dst));
        for (;;) {
            long h = (long) HEAD.getVolatile(this);
            long t = (long) TAIL.getAcquire(this);
            long available = t - h;
            if (available <= 0 || available > CAPACITY) {
                if (available <= 0) {
                    return null;
                }
                continue; // torn read of head and tail: read again
            }
            int n = (int) (available - available / 2);
            if (n - 1 > dstFree) {
                n = (int) dstFree + 1;
            }
            Job first = buffer[(int) h & MASK];
            for (int i = 1; i < n; i++) {
                dst.buffer[(int) (dt + i - 1) & MASK] = buffer[(int) (h + i) & MASK];
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                if (n > 1) {
                    TAIL.setRelease(dst, dt + n - 1);
                }
                return first;
            }
        }
    }

    /** Any thread: the number of queued jobs (a snapshot). */
    int size() {
        long t = (long) TAIL.getAcquire(this);
        long h = (long) HEAD.getVolatile(this);
        long s = t - h;
        return s < 0 ? 0 : (int) Math.min(s, CAPACITY);
    }

    /** Any thread: whether the queue looks empty. */
    boolean isEmpty() {
        return size() == 0;
    }
}

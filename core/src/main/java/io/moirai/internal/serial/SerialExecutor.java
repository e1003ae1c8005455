package io.moirai.internal.serial;

import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jctools.queues.MpscLinkedQueue;

/**
 * Runs the items it is given one at a time, in the order they were queued, never two at once, on
 * threads lent by a host {@link Executor}: the worker of a Reactor or RxJava scheduler, written once.
 *
 * <p><b>Drain.</b> {@link #execute} offers the item to a JCTools MPSC queue and adds one to
 * {@code wip}; the caller that takes {@code wip} from 0 hands one drain to the host. The drain is
 * the queue's only consumer: it runs items until the queue is empty and {@code wip} is back to 0
 * (subtracting what it has seen, so a signal that arrives meanwhile keeps it going). So
 * {@code wip > 0} means exactly one drain is handed to the host or running, and every item queued
 * is run by it or a later one. After {@value #BATCH} items, if more are queued, the drain hands
 * itself to the host again, keeping {@code wip} for its successor, so one busy executor does not
 * hold a thread of a shared pool. {@link #moveDue} queues a {@link DeadlineQueue}'s due items and
 * can run the drain in place, on the calling thread, when no drain is running.
 *
 * <p><b>Stopping for good.</b> {@link #stop()} makes every drain from then on discard the queue
 * instead of running it: a running drain after its current item, an idle executor at once on the
 * stopping thread. The host refusing a drain ({@link RejectedExecutionException}: the runtime is
 * shut down) stops the executor the same way; the thread that held {@code wip} tells
 * {@link Owner#refused} and then discards what is queued itself. An item handed to a stopped
 * executor is discarded at once. Every item given to {@link #execute} or moved by {@link #moveDue}
 * is therefore either run once or passed to {@link Owner#discarded} once, never both, never lost
 * (unless the host accepts a drain and then never runs it).
 *
 * <p><b>The running item.</b> An executor built with {@code tracksRunning} (one on a blocking pool,
 * whose items an owner interrupts when it is disposed) publishes each item in {@link #running()}
 * with a volatile write before it runs it and then reads the stop flag again, skipping (discarding)
 * the item if it was stopped meanwhile; {@link #stop()} writes that flag before its caller reads
 * {@link #running()}. So either the drain sees the stop and the item never starts, or the stopper
 * sees the item and may interrupt it. An owner with a disposed flag of its own gets the same pair
 * by writing that flag before reading {@link #running()}, and having the item read it when it runs.
 *
 * <p><b>Items</b> must not throw: they report their own errors. If one does, the drain hands itself
 * on to the host (the next drain goes on with the next item) and the throwable propagates to the
 * thread that ran it, so the executor never wedges.
 *
 * <p><b>Threads.</b> {@link #execute}, {@link #moveDue}, {@link #stop()}, {@link #running()} and
 * {@link #isStopped()} from any thread, concurrently, also from inside an item (an item that
 * queues more work or stops its own executor is not re-entered: the drain it runs on carries on).
 * The drain runs on one thread at a time, with happens-before from one drain to the next, so items
 * see what earlier items did. The {@link Owner}'s hooks say which threads call them.
 *
 * @param <T> the items
 */
public final class SerialExecutor<T extends Runnable> {

    /** The most items one drain runs before it hands itself back to the host, if more are queued. */
    public static final int BATCH = 1024;

    private static final VarHandle WIP = VarHandles.field(MethodHandles.lookup(), "wip", int.class);

    /**
     * What the executor tells its owner. The hooks must not throw. {@link #refused} is called once,
     * by the thread that held the drain when the host refused it; {@link #discarded} by the thread
     * that holds the drain, or by a thread that hands an item to an executor already stopped, so
     * calls for different items may come from different threads at once.
     *
     * @param <T> the items
     */
    @FunctionalInterface
    public interface Owner<T> {

        /**
         * The host refused to run a drain: the executor is stopped for good. Called once, before the
         * queued items are discarded.
         *
         * @param e what the host threw
         */
        void refused(RejectedExecutionException e);

        /**
         * An item that will never run (the executor stopped). Does nothing unless overridden.
         *
         * @param item the item
         */
        default void discarded(T item) {}
    }

    private final MpscLinkedQueue<T> queue = new MpscLinkedQueue<>();
    private final Executor host;
    private final Owner<? super T> owner;
    private final boolean tracksRunning;
    /** What the host is handed: the drain, as a runnable only the host sees. */
    private final Runnable drain = this::drain;

    @SuppressWarnings("unused") // accessed through WIP
    private volatile int wip;
    private volatile boolean stopped;
    /** Executors that track it: the item the drain runs now, or null. */
    private volatile T running;

    /**
     * @param host runs each drain once on some thread, later; throws
     *     {@link RejectedExecutionException} when it cannot (then the executor stops)
     * @param tracksRunning whether to publish the running item in {@link #running()}
     * @param owner told of refusal and of discarded items
     */
    public SerialExecutor(Executor host, boolean tracksRunning, Owner<? super T> owner) {
        this.host = Objects.requireNonNull(host, "host");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.tracksRunning = tracksRunning;
    }

    /**
     * Queues an item and makes sure a drain will run it.
     *
     * @param item the item, not null
     * @return {@code true} if it was queued: it will be run, or discarded if the executor stops
     *     first; {@code false} if the executor is stopped (or just stopped because the host refused
     *     the drain this call had to start): the item was discarded
     */
    public boolean execute(T item) {
        Objects.requireNonNull(item, "item");
        if (stopped) {
            owner.discarded(item);
            return false;
        }
        queue.offer(item);
        if ((int) WIP.getAndAdd(this, 1) == 0) {
            return startDrain();
        }
        return true;
    }

    /**
     * Moves every item of {@code delayed} that is due at {@code now} into the queue, earliest first
     * (see {@link DeadlineQueue#moveDue}), and makes sure a drain runs them. If no drain was running
     * and {@code inPlace} is set, the calling thread runs the drain itself before it returns (it must
     * be a thread the items may run on); otherwise the host does.
     *
     * @param delayed where the delayed items wait
     * @param now a {@link System#nanoTime()} value
     * @param inPlace whether to run an idle executor's drain on this thread
     * @return how many items moved
     */
    public int moveDue(DeadlineQueue<? extends T> delayed, long now, boolean inPlace) {
        int moved = delayed.moveDue(now, queue);
        if (moved > 0 && (int) WIP.getAndAdd(this, moved) == 0) {
            if (inPlace) {
                drain();
            } else {
                startDrain();
            }
        }
        return moved;
    }

    /**
     * Stops the executor for good: no item starts after this call (on a tracking executor, one whose
     * drain published it in {@link #running()} before the stop may be running still); every queued
     * item and every item given later is discarded. If no drain is running, this thread discards
     * the queue before it returns. Idempotent.
     */
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if ((int) WIP.getAndAdd(this, 1) == 0) {
            drain(); // idle: this thread holds the drain now, and it only discards
        }
    }

    /** @return whether {@link #stop()} was called or the host refused a drain */
    public boolean isStopped() {
        return stopped;
    }

    /**
     * @return on a tracking executor, the item a drain is running now (or is about to run, unless it
     *     sees the stop), else null; always null on an executor that does not track it
     */
    public T running() {
        return running;
    }

    /**
     * The caller holds {@code wip}: hands the drain to the host, or, if the executor is stopped or
     * the host refuses, discards the queue on this thread.
     *
     * @return {@code false} if the executor is stopped
     */
    private boolean startDrain() {
        if (!stopped) {
            try {
                host.execute(drain);
                return true;
            } catch (RejectedExecutionException e) {
                stopped = true; // only the thread holding wip gets here: once
                owner.refused(e);
            }
        }
        drain(); // stopped: it only discards, and lets go of wip
        return false;
    }

    /** The drain: one thread at a time, the one that holds {@code wip}. */
    private void drain() {
        int missed = wip;
        int ran = 0;
        for (;;) {
            T item;
            while ((item = queue.poll()) != null) {
                if (stopped || !runOne(item)) {
                    owner.discarded(item);
                } else if (++ran == BATCH) {
                    ran = 0;
                    if (!queue.isEmpty()) {
                        startDrain(); // the next drain takes over this one's wip
                        return;
                    }
                }
            }
            missed = (int) WIP.getAndAdd(this, -missed) - missed;
            if (missed == 0) {
                return;
            }
        }
    }

    /**
     * Runs one item, publishing it first if this executor tracks it.
     *
     * @return {@code false} if the executor stopped before the item could start (it did not run)
     */
    private boolean runOne(T item) {
        if (tracksRunning) {
            running = item; // volatile write, then the read of stopped: see the class documentation
            if (stopped) {
                running = null;
                return false;
            }
        }
        boolean returned = false;
        try {
            item.run();
            returned = true;
        } finally {
            if (tracksRunning) {
                running = null;
            }
            if (!returned) {
                startDrain(); // it threw: a new drain carries on with this one's wip
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "SerialExecutor[wip=" + wip + (stopped ? ", stopped]" : "]");
    }
}

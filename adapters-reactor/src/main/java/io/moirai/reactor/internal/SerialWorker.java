package io.moirai.reactor.internal;

import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jctools.queues.MpscLinkedQueue;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A Reactor {@link Scheduler.Worker} on Moirai: its tasks run one at a time, in the order they were
 * scheduled (delayed and periodic ones in the order they became due), never overlapping, on the
 * runtime's compute workers (or blocking pool).
 *
 * <p><b>Drain.</b> Tasks go into a JCTools MPSC queue; {@code wip} counts signals; the thread that
 * takes {@code wip} from 0 hands one drain loop to the runtime, which runs queued tasks until
 * {@code wip} returns to 0, yielding its thread after {@value #BATCH} tasks by handing itself on.
 * <p><b>Delayed tasks</b> wait in {@code delayed}, ordered by deadline and then by scheduling order,
 * each with a timer on the runtime's wheel. Timers due in the same tick fire as separate jobs in any
 * order, but Reactor operators rely on a worker running equal-delay tasks in the order they were
 * scheduled ({@code delayElements} schedules a value and then the completion), as
 * {@code ScheduledThreadPoolExecutor} does; so a firing timer moves <em>every</em> due task, earliest
 * first, into the FIFO queue (under {@code delayed}'s lock), and a timer whose task already moved
 * finds nothing to do. A task never moves before its deadline.
 *
 * <p>Disposal sets {@code disposed} and cancels the worker's timers; what is queued is never run (a
 * running drain discards it, otherwise it is dropped with the worker); later {@code schedule} calls
 * throw {@link RejectedExecutionException}.
 *
 * <p>Threads: {@code schedule*} and {@code dispose} from any thread; the queue's consumer is the drain.
 */
final class SerialWorker implements Scheduler.Worker, Runnable, MoiraiScheduler.Tracked, Scannable {

    static final int BATCH = 1024;

    private final MoiraiScheduler parent;
    private final MpscLinkedQueue<Runnable> queue = new MpscLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    /** Pending delayed and periodic tasks, cancelled by disposal. */
    private final Set<Disposable> timers = ConcurrentHashMap.newKeySet();
    /** Delayed tasks whose deadline has not been reached, by deadline then sequence; guarded by itself. */
    private final PriorityQueue<WorkerTask> delayed = new PriorityQueue<>(WorkerTask.ORDER);
    private long sequence; // guarded by delayed
    private volatile boolean disposed;

    SerialWorker(MoiraiScheduler parent) {
        this.parent = parent;
        parent.track(this);
    }

    @Override
    public Disposable schedule(Runnable task) {
        Objects.requireNonNull(task, "task");
        ensureOpen();
        WorkerTask t = new WorkerTask(this, Schedulers.onSchedule(task));
        if (!enqueue(t)) {
            throw Exceptions.failWithRejected(); // the runtime is shut down: the task will never run
        }
        return t;
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(unit, "unit");
        if (delay <= 0L) {
            return schedule(task);
        }
        ensureOpen();
        WorkerTask t = new WorkerTask(this, Schedulers.onSchedule(task));
        t.delayedTask = true;
        t.deadline = System.nanoTime() + unit.toNanos(delay);
        synchronized (delayed) {
            t.seq = sequence++;
            delayed.add(t);
        }
        trackTimer(t);
        try {
            t.timer = parent.dispatch().later(delay, unit, this::moveDue);
        } catch (RejectedExecutionException shutDown) {
            forget(t);
            throw Exceptions.failWithRejected(shutDown);
        }
        if (t.isDisposed()) {
            t.timer.cancel();
        }
        return t;
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(unit, "unit");
        ensureOpen();
        return PeriodicTask.start(parent, this, Schedulers.onSchedule(task), initialDelay, period, unit);
    }

    private void ensureOpen() {
        if (disposed) {
            throw Exceptions.failWithRejected();
        }
        parent.ensureOpen();
    }

    void trackTimer(Disposable d) {
        timers.add(d);
        if (disposed && timers.remove(d)) {
            throw Exceptions.failWithRejected();
        }
    }

    void untrackTimer(Disposable d) {
        timers.remove(d);
    }

    /** A timer fired: queue every delayed task that is due, earliest (then first scheduled) first. */
    private void moveDue() {
        synchronized (delayed) {
            long now = System.nanoTime();
            for (WorkerTask head; (head = delayed.peek()) != null && head.deadline - now <= 0L; ) {
                delayed.poll();
                timers.remove(head);
                if (!head.isDisposed()) {
                    enqueue(head); // under the lock: the queue receives them in order
                }
            }
        }
    }

    /** A delayed task was disposed before it was due. */
    void forget(WorkerTask t) {
        synchronized (delayed) {
            delayed.remove(t);
        }
        timers.remove(t);
    }

    boolean isWorkerDisposed() {
        return disposed;
    }

    /**
     * Queues a runnable (a task, or a due periodic run) and makes sure a drain will run it.
     *
     * @return {@code false} if the runtime is shut down: the worker is disposed and nothing it holds
     *     will run (callers that can report it throw {@code RejectedExecutionException})
     */
    boolean enqueue(Runnable r) {
        queue.offer(r);
        if (wip.getAndIncrement() == 0) {
            return handOff();
        }
        return !disposed;
    }

    private boolean handOff() {
        try {
            parent.dispatch().execute(this);
            return true;
        } catch (RejectedExecutionException shutDown) {
            dispose(); // the runtime is gone: nothing queued here can run any more
            return false;
        }
    }

    /** The drain loop: runs queued tasks one at a time. */
    @Override
    public void run() {
        int missed = wip.get();
        int ran = 0;
        for (;;) {
            Runnable r;
            while ((r = queue.poll()) != null) {
                if (!disposed) {
                    r.run(); // WorkerTask and PeriodicTask report their own errors
                }
                if (++ran == BATCH) {
                    handOff(); // yield the thread; wip stays above zero, the next drain goes on
                    return;
                }
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                break;
            }
        }
        if (parent.isDisposed()) {
            parent.checkDrained();
        }
    }

    @Override
    public void dispose() {
        if (disposed) {
            return;
        }
        disposed = true;
        for (Disposable d : timers) {
            d.dispose();
        }
        timers.clear();
        parent.untrack(this);
        // what is queued is never run: a running drain discards it; otherwise it goes with the worker
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    @Override
    public void cancelAll() {
        dispose();
    }

    @Override
    public void stopPeriodic() {
        for (Disposable d : timers) {
            if (d instanceof PeriodicTask) {
                d.dispose();
            }
        }
    }

    @Override
    public boolean isIdle() {
        return wip.get() == 0 && timers.isEmpty();
    }

    @Override
    public Object scanUnsafe(Attr key) {
        if (key == Attr.PARENT) {
            return parent;
        }
        if (key == Attr.NAME) {
            return parent + ".worker";
        }
        if (key == Attr.BUFFERED) {
            return queue.size();
        }
        if (key == Attr.TERMINATED || key == Attr.CANCELLED) {
            return disposed;
        }
        return null;
    }

    /** One task of a worker: runs at most once; a dispose before it runs prevents it. */
    @SuppressWarnings("serial") // never serialized: the state is the AtomicInteger itself (one allocation per task)
    static final class WorkerTask extends AtomicInteger implements Runnable, Disposable {

        private final SerialWorker worker;
        private final Runnable task;
        static final java.util.Comparator<WorkerTask> ORDER = (a, b) -> {
            long d = a.deadline - b.deadline; // nanoTime values: compare by difference
            return d != 0L ? (d < 0L ? -1 : 1) : Long.compare(a.seq, b.seq);
        };

        // the inherited int: 0 pending, 1 ran or running, 2 disposed
        volatile io.moirai.task.TaskHandle<?> timer;
        /** Delayed tasks only: when it is due, and its place among equal deadlines (set before it is shared). */
        boolean delayedTask;
        long deadline;
        long seq;

        WorkerTask(SerialWorker worker, Runnable task) {
            this.worker = worker;
            this.task = task;
        }

        @Override
        public void run() {
            if (compareAndSet(0, 1)) {
                TaskErrors.runReporting(task);
            }
        }

        @Override
        public void dispose() {
            if (compareAndSet(0, 2)) {
                io.moirai.task.TaskHandle<?> h = timer;
                if (h != null) {
                    h.cancel();
                }
                if (delayedTask) {
                    worker.forget(this);
                }
            }
        }

        @Override
        public boolean isDisposed() {
            return get() != 0 || worker.isWorkerDisposed();
        }
    }
}

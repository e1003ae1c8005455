package io.moirai.reactor.internal;

import io.moirai.internal.serial.DeadlineQueue;
import io.moirai.internal.serial.SerialExecutor;
import io.moirai.internal.util.VarHandles;
import io.moirai.task.TaskHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.Scannable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A Reactor {@link Scheduler.Worker} on Moirai: its tasks run one at a time, in the order they were
 * scheduled (delayed and periodic ones in the order they became due), never overlapping, on the
 * runtime's compute workers or blocking pool ({@code drainOn}: a {@link Dispatch}, or the lane of a
 * serial scheduler, which is itself a worker).
 *
 * <p><b>Drain.</b> Tasks run on core's {@link SerialExecutor} (MPSC queue, {@code wip}, a drain
 * handed to {@code drainOn} that yields its thread after {@value SerialExecutor#BATCH} tasks). If
 * {@code drainOn} refuses a drain (the runtime is shut down) the executor stops for good: this worker
 * disposes itself ({@link #refused}) and every task still queued is disposed ({@link #discarded}).
 *
 * <p><b>Delayed tasks</b> wait in a core {@link DeadlineQueue} ({@code delayed}), each with a timer on
 * the runtime's wheel; a firing timer moves <em>every</em> due task, earliest first and equal
 * deadlines in scheduling order, into the executor's queue, because Reactor operators rely on a
 * worker running equal-delay tasks in the order they were scheduled ({@code delayElements} schedules
 * a value and then the completion), as {@code ScheduledThreadPoolExecutor} does.
 *
 * <p><b>Pending count and retirement.</b> {@code pending} counts the tasks this worker accepted that
 * have not ended (queued, delayed, running, and each periodic task until it is disposed). A worker
 * retires, leaving its scheduler's {@link Lifetime}, when it was disposed (or its scheduler began
 * disposal) and {@code pending} is 0: the CAS {@code 0 -> CLOSED} makes that final, and a
 * {@code schedule} that loses to it ({@code getAndAdd} sees a negative count) is rejected. So a
 * graceful disposal completes only after every accepted task ended, and never lets one in afterwards.
 *
 * <p><b>Disposal</b> sets {@code disposed}, disposes the delayed and periodic tasks and, on the
 * blocking pool, interrupts the task that is running (the executor's {@link SerialExecutor#running()},
 * published before each task runs; a task checks {@code disposed} after that write, so one of the two
 * sees the other). What is queued never runs: the drain goes on and each task disposes itself as it
 * comes up, so every accepted task ends and the worker can retire. Later {@code schedule} calls throw
 * {@link RejectedExecutionException}, as Reactor's workers do.
 *
 * <p>Threads: {@code schedule*} and {@code dispose} from any thread; the queue's consumer is the drain.
 */
final class SerialWorker
        implements Scheduler.Worker, Executor, SerialExecutor.Owner<Runnable>, Lifetime.Tracked, Scannable {

    private static final int CLOSED = Integer.MIN_VALUE;
    private static final VarHandle PENDING = VarHandles.field(MethodHandles.lookup(), "pending", int.class);

    private final Lifetime lifetime;
    /** On the blocking pool: disposal interrupts the running task. */
    private final boolean interruptible;
    /** Runs the tasks, due periodic runs and (on a lane) other workers' drains, one at a time. */
    private final SerialExecutor<Runnable> executor;
    /** Delayed and periodic tasks that have not ended, so that disposal reaches them. */
    private final Set<TaskState> timers = ConcurrentHashMap.newKeySet();
    /** Delayed tasks whose deadline has not been reached. */
    private final DeadlineQueue<WorkerTask> delayed = new DeadlineQueue<>(this::leaveDelayed);
    private volatile boolean disposed;
    @SuppressWarnings("unused") private volatile int pending;

    /**
     * @param lifetime the scheduler's current lifetime; a worker created after disposal began is born
     *     disposed (its {@code schedule} calls throw), as Reactor's disposed schedulers hand out
     * @param drainOn where the drain loop runs
     */
    SerialWorker(Lifetime lifetime, Executor drainOn) {
        this.lifetime = lifetime;
        this.interruptible = lifetime.scheduler.dispatch().blocking();
        this.executor = new SerialExecutor<>(drainOn, interruptible, this);
        if (!lifetime.tryTrack(this)) {
            pending = CLOSED;
            disposed = true;
        }
    }

    @Override
    public Disposable schedule(Runnable task) {
        Objects.requireNonNull(task, "task");
        WorkerTask t = new WorkerTask(this, Schedulers.onSchedule(task), false);
        accept();
        if (!enqueue(t)) {
            throw Exceptions.failWithRejected(); // the runtime is shut down: t was discarded
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
        WorkerTask t = new WorkerTask(this, Schedulers.onSchedule(task), true);
        accept();
        // never null: this holder is never disposed (disposal reaches delayed tasks through timers)
        t.entry = delayed.add(t, System.nanoTime() + unit.toNanos(delay));
        trackTimer(t);
        if (t.isDisposed()) {
            return t; // disposed meanwhile
        }
        TaskHandle<?> h;
        try {
            h = lifetime.scheduler.dispatch().later(delay, unit, this::moveDue);
        } catch (RejectedExecutionException shutDown) {
            t.dispose();
            throw Exceptions.failWithRejected(shutDown);
        }
        t.publishJob(h);
        return t;
    }

    @Override
    public Disposable schedulePeriodically(Runnable task, long initialDelay, long period, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(unit, "unit");
        Runnable decorated = Schedulers.onSchedule(task);
        accept();
        return PeriodicTask.start(lifetime, this, decorated, initialDelay, period, unit);
    }

    /**
     * Counts a new task in, or refuses it.
     *
     * @throws RejectedExecutionException (Reactor's shared instance) if this worker was disposed, its
     *     scheduler began disposal or the worker retired
     */
    private void accept() {
        if (disposed || !lifetime.isOpen() || (int) PENDING.getAndAdd(this, 1) < 0) {
            throw Exceptions.failWithRejected();
        }
        if (disposed) {
            taskEnded(); // disposal raced with the count: undo it
            throw Exceptions.failWithRejected();
        }
    }

    /** A task counted by {@link #accept} ended (ran, was disposed or was discarded). */
    void taskEnded() {
        if ((int) PENDING.getAndAdd(this, -1) == 1) {
            retireIfDone();
        }
    }

    /** Leaves the scheduler's lifetime once disposed (or the scheduler is) and nothing is pending. */
    private void retireIfDone() {
        if ((disposed || !lifetime.isOpen()) && PENDING.compareAndSet(this, 0, CLOSED)) {
            lifetime.untrack(this);
        }
    }

    /** Registers a delayed or periodic task so that disposal reaches it. */
    void trackTimer(TaskState t) {
        timers.add(t);
        if (disposed) {
            t.dispose(); // disposal raced with the add and may have missed it
        }
    }

    /** A periodic task ended. */
    void timerEnded(TaskState t) {
        timers.remove(t);
        taskEnded();
    }

    /** A timer fired: queue every delayed task that is due, earliest (then first scheduled) first. */
    private void moveDue() {
        executor.moveDue(delayed, System.nanoTime(), false);
    }

    /** A due delayed task leaves {@code delayed} (under its lock): it goes to the queue unless disposed. */
    private boolean leaveDelayed(WorkerTask t) {
        timers.remove(t);
        return t.isPending();
    }

    /** A delayed task was disposed before it was due. */
    void forget(WorkerTask t) {
        delayed.remove(t.entry);
        timers.remove(t);
    }

    /**
     * Queues a runnable (a task, a due periodic run, or another worker's drain when this is a lane)
     * and makes sure a drain will run it.
     *
     * @return {@code false} if the runtime refused a drain (it is shut down): the worker is disposed
     *     and the runnable, if a task, was disposed
     */
    boolean enqueue(Runnable r) {
        return executor.execute(r);
    }

    /** A lane of a serial scheduler: runs another worker's drain in turn with its own tasks. */
    @Override
    public void execute(Runnable drain) {
        if (disposed || !enqueue(drain)) {
            throw Exceptions.failWithRejected();
        }
    }

    /** The runtime refused a drain: it is shut down, and nothing queued here can run. */
    @Override
    public void refused(RejectedExecutionException shutDown) {
        dispose();
    }

    /** The executor stopped (the runtime refused a drain): a queued task is disposed (and ends). */
    @Override
    public void discarded(Runnable r) {
        if (r instanceof TaskState t) {
            t.dispose();
        }
    }

    @Override
    public void dispose() {
        if (disposed) {
            return;
        }
        disposed = true;
        for (TaskState t : timers) {
            t.dispose();
        }
        if (executor.running() instanceof TaskState t) { // null unless interruptible
            t.dispose(); // interrupts it if it runs on another thread
        }
        retireIfDone();
    }

    @Override
    public boolean isDisposed() {
        return disposed || !lifetime.isOpen();
    }

    @Override
    public void cancelAll() {
        dispose();
    }

    @Override
    public void stopPeriodic() {
        for (TaskState t : timers) {
            if (t instanceof PeriodicTask) {
                t.stop(); // a run in progress finishes, uninterrupted
            }
        }
        retireIfDone();
    }

    @Override
    @SuppressWarnings("rawtypes") // Scannable.scanUnsafe takes the raw Attr
    public Object scanUnsafe(Attr key) {
        if (key == Attr.PARENT) {
            return lifetime.scheduler;
        }
        if (key == Attr.NAME) {
            return lifetime.scheduler + ".worker";
        }
        if (key == Attr.BUFFERED) {
            return disposed ? 0 : Math.max(0, pending);
        }
        if (key == Attr.TERMINATED || key == Attr.CANCELLED) {
            return isDisposed();
        }
        return null;
    }

    @Override
    public String toString() {
        return lifetime.scheduler + ".worker";
    }

    /** One task of a worker: runs at most once; a dispose before it runs prevents it. */
    static final class WorkerTask extends TaskState {

        private final SerialWorker worker;
        private final Runnable task;
        private final boolean delayedTask;
        /** Delayed tasks only: its place in {@code delayed}, until it is due or disposed. */
        volatile DeadlineQueue.Entry<WorkerTask> entry;

        WorkerTask(SerialWorker worker, Runnable task, boolean delayedTask) {
            super(worker.interruptible);
            this.worker = worker;
            this.task = task;
            this.delayedTask = delayedTask;
        }

        @Override
        public void run() {
            if (worker.disposed) {
                dispose(); // queued on a worker disposed since: never runs
                return;
            }
            if (beginRun()) {
                TaskErrors.run(task);
                endRun(DONE);
            }
        }

        @Override
        void cancelPending() {
            super.cancelPending(); // a delayed task's timer, which would move it to the queue
            if (delayedTask) {
                worker.forget(this);
            }
        }

        @Override
        void ended() {
            worker.taskEnded();
        }

        @Override
        public boolean isDisposed() {
            return super.isDisposed() || worker.disposed;
        }
    }
}

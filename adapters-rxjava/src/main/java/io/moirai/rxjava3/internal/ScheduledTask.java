package io.moirai.rxjava3.internal;

import io.moirai.internal.serial.DeadlineQueue;
import io.moirai.internal.util.VarHandles;
import io.moirai.task.TaskHandle;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.disposables.DisposableContainer;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import io.reactivex.rxjava3.schedulers.SchedulerRunnableIntrospection;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;

/**
 * One {@link Runnable} scheduled on a {@link MoiraiScheduler}, directly or on a {@link SerialWorker},
 * now or after a delay; it is also the {@link Disposable} handed back to the caller.
 *
 * <p><b>States</b> (field {@code state}, changed by CAS only, except the disposer's final
 * {@code INTERRUPTING -> INTERRUPTED}):
 * <pre>
 *   WAITING --fire--> READY --run--> RUNNING --returns--> FINISHED
 *      |                |              |-- dispose (compute, or from the running thread) --> ABANDONED
 *      |                |              '-- dispose (blocking, another thread) --> INTERRUPTING --> INTERRUPTED
 *      '-- dispose -----'-- dispose --> CANCELLED (never runs; its timer or blocking job is cancelled)
 * </pre>
 * A delayed task starts {@code WAITING} on a Moirai timer ({@code handle}) and sits in a tracking
 * container ({@code tracker}) so that disposing its worker or shutting its scheduler down cancels the
 * timer. A worker's delayed task waits in the worker's {@link TimedTasks}, ordered by
 * {@code deadline} and scheduling order: when any of the worker's timers fires, every due task moves, in
 * that order, to {@code READY} on the worker's queue. A direct delayed task waits in the scheduler's
 * generation; when its timer fires it becomes {@code READY} and runs in place (compute: the timer's
 * job already runs on a compute worker) or is handed to the blocking pool ({@code handle} then becomes
 * the blocking job's). A direct task of the blocking scheduler stays in the generation until it ends
 * ({@link #run()} removes it), so that a shutdown interrupts it while it runs.
 *
 * <p><b>What {@link #isDisposed()} reports</b> (as RxJava's {@code ScheduledRunnable} and
 * {@code ScheduledDirectTask}): {@code false} while the task waits or runs; {@code true} once it
 * finished (normally or by throwing), once it was disposed, and once its owner (its worker, or the
 * scheduler generation of a direct task) was disposed, since the task then never starts, or was
 * disposed with its owner while it ran.
 *
 * <p><b>Interrupts.</b> On the blocking scheduler a task disposed by another thread while it runs is
 * interrupted. The runner publishes itself ({@code runner}) before it claims {@code RUNNING}; the
 * disposer moves {@code RUNNING -> INTERRUPTING}, interrupts, then publishes {@code INTERRUPTED}; the
 * runner, when its task returns and finds it can no longer claim {@code FINISHED}, waits out
 * {@code INTERRUPTING} (one {@code Thread.interrupt()} call long) and clears the interrupt, so it never
 * reaches the next task. A task disposed by its own thread is never interrupted.
 *
 * <p><b>Errors.</b> What the runnable throws goes to {@code RxJavaPlugins.onError}, as RxJava's own
 * schedulers do; it never reaches the runtime and never stops a worker.
 *
 * <p><b>Threads.</b> {@link #dispose()} and {@link #isDisposed()} may be called from any thread;
 * {@link #run()} is called once by the runtime thread that runs the task.
 */
final class ScheduledTask implements Runnable, Callable<Void>, Disposable, SchedulerRunnableIntrospection {

    static final int WAITING = 0;
    static final int READY = 1;
    static final int RUNNING = 2;
    static final int FINISHED = 3;
    static final int CANCELLED = 4;
    static final int ABANDONED = 5;
    static final int INTERRUPTING = 6;
    static final int INTERRUPTED = 7;

    private static final VarHandle STATE = VarHandles.field(MethodHandles.lookup(), "state", int.class);
    private static final VarHandle HANDLE = VarHandles.field(MethodHandles.lookup(), "handle", TaskHandle.class);

    private final Runnable run;
    /** The worker, or the scheduler generation of a direct task: once disposed, the task does not start. */
    private final Disposable owner;
    /** Where a fired delayed task goes: its worker's queue, or (direct task, null) back to the scheduler. */
    private final SerialWorker worker;
    private final MoiraiScheduler scheduler;

    private volatile int state;
    private volatile Thread runner;
    /** Worker delayed tasks: {@code System.nanoTime()} at which the task is due; set before it is tracked. */
    private long deadline;
    /** Worker delayed tasks: the task's place among its worker's {@link TimedTasks}, until it leaves them. */
    private volatile DeadlineQueue.Entry<ScheduledTask> timedEntry;
    @SuppressWarnings("unused") // accessed through HANDLE
    private volatile TaskHandle<?> handle;
    private volatile DisposableContainer tracker;

    private ScheduledTask(Runnable run, Disposable owner, SerialWorker worker, MoiraiScheduler scheduler, int state) {
        this.run = run;
        this.owner = owner;
        this.worker = worker;
        this.scheduler = scheduler;
        this.state = state;
    }

    /** A task to run as soon as possible on {@code worker}. */
    static ScheduledTask now(Runnable run, SerialWorker worker, MoiraiScheduler scheduler) {
        return new ScheduledTask(run, worker, worker, scheduler, READY);
    }

    /** A task to queue on {@code worker} once it is due at {@code deadline} ({@code System.nanoTime()}). */
    static ScheduledTask later(Runnable run, SerialWorker worker, MoiraiScheduler scheduler, long deadline) {
        ScheduledTask task = new ScheduledTask(run, worker, worker, scheduler, WAITING);
        task.deadline = deadline;
        return task;
    }

    /** A direct task of the scheduler generation {@code generation}, to run now. */
    static ScheduledTask directNow(Runnable run, Disposable generation, MoiraiScheduler scheduler) {
        return new ScheduledTask(run, generation, null, scheduler, READY);
    }

    /** A direct task of the scheduler generation {@code generation}, to run once its timer fires. */
    static ScheduledTask directLater(Runnable run, Disposable generation, MoiraiScheduler scheduler) {
        return new ScheduledTask(run, generation, null, scheduler, WAITING);
    }

    /**
     * Puts this waiting task into {@code container} until it fires or is disposed.
     *
     * @return {@code false} if the container was already disposed (and so has disposed this task)
     */
    boolean track(DisposableContainer container) {
        tracker = container;
        return container.add(this);
    }

    long deadline() {
        return deadline;
    }

    DeadlineQueue.Entry<ScheduledTask> timedEntry() {
        return timedEntry;
    }

    void timedEntry(DeadlineQueue.Entry<ScheduledTask> entry) {
        timedEntry = entry;
    }

    /** Stores the handle of this task's timer; cancels it if the task was disposed meanwhile. */
    void setTimer(TaskHandle<?> timer) {
        // CAS: the timer may have fired already and stored the blocking job's handle
        if (HANDLE.compareAndSet(this, null, timer) && state == CANCELLED) {
            timer.cancel();
        }
    }

    /** Replaces the handle of this task's timer by a new timer's (see {@link SerialWorker#fired}). */
    void replaceTimer(TaskHandle<?> timer) {
        HANDLE.setVolatile(this, timer);
        if (state == CANCELLED) {
            timer.cancel();
        }
    }

    /**
     * The task is due and leaves the worker's {@link TimedTasks} for its queue (under their lock).
     *
     * @return {@code false} if it was disposed meanwhile
     */
    boolean markReady() {
        tracker = null;
        return STATE.compareAndSet(this, WAITING, READY);
    }

    /** @return whether the task still waits for its timer */
    boolean isWaiting() {
        return state == WAITING;
    }

    /** Stores the handle of this task's blocking job; cancels it if the task was disposed before it ran. */
    void setJob(TaskHandle<?> job) {
        HANDLE.setVolatile(this, job);
        if (state == CANCELLED) {
            job.cancel(); // not started: it never runs (started: it returns at once, see run())
        }
    }

    /** The timer's callback, on a compute worker: queue (with its worker's other due tasks), run or hand off. */
    Void fire() {
        if (worker != null) {
            if (state == WAITING) {
                worker.fired(this);
            }
        } else if (STATE.compareAndSet(this, WAITING, READY)) {
            scheduler.fired(this); // still tracked: run() (or the blocking job's rejection) untracks it
        }
        return null;
    }

    @Override
    public void run() {
        if (owner.isDisposed()) {
            STATE.compareAndSet(this, READY, CANCELLED); // its worker was disposed or its scheduler shut down
            untrack();
            return;
        }
        boolean interruptible = scheduler.blocking();
        if (interruptible) {
            runner = Thread.currentThread(); // before RUNNING: a disposer that sees RUNNING finds the runner
        }
        if (!STATE.compareAndSet(this, READY, RUNNING)) {
            if (interruptible) {
                runner = null;
            }
            return; // disposed before it started (dispose() untracked it)
        }
        try {
            run.run();
        } catch (Throwable t) {
            RxJavaPlugins.onError(t); // nowhere else to go, as in RxJava's ScheduledRunnable
        } finally {
            if (interruptible) {
                runner = null;
            }
            if (STATE.compareAndSet(this, RUNNING, FINISHED)) {
                untrack();
            } else {
                awaitInterrupt(); // disposed while running: dispose() untracked it
            }
        }
    }

    @Override
    public Void call() {
        run();
        return null;
    }

    @Override
    public void dispose() {
        for (;;) {
            int s = state;
            if (s == WAITING || s == READY) {
                if (STATE.compareAndSet(this, s, CANCELLED)) {
                    TaskHandle<?> h = (TaskHandle<?>) HANDLE.getVolatile(this);
                    if (h != null) {
                        h.cancel(); // the pending timer, or the blocking job not yet started
                    }
                    untrack();
                    return;
                }
            } else if (s == RUNNING) {
                if (scheduler.blocking() && runner != Thread.currentThread()) {
                    if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
                        try {
                            Thread r = runner;
                            if (r != null) {
                                r.interrupt();
                            }
                        } finally {
                            state = INTERRUPTED;
                        }
                        untrack();
                        return;
                    }
                } else if (STATE.compareAndSet(this, RUNNING, ABANDONED)) {
                    untrack();
                    return;
                }
            } else {
                return; // finished, or disposed already
            }
        }
    }

    @Override
    public boolean isDisposed() {
        return state >= FINISHED || owner.isDisposed();
    }

    @Override
    public Runnable getWrappedRunnable() {
        return run;
    }

    /** The runner's side of an interrupting dispose: wait until it was delivered, then clear it. */
    private void awaitInterrupt() {
        int s;
        while ((s = state) == INTERRUPTING) {
            Thread.onSpinWait(); // bounded: the disposer is inside one Thread.interrupt() call
        }
        if (s == INTERRUPTED) {
            Thread.interrupted(); // the interrupt was meant for this task only
        }
    }

    private void untrack() {
        DisposableContainer c = tracker;
        if (c != null) {
            tracker = null;
            c.delete(this);
        }
    }

    @Override
    public String toString() {
        return "ScheduledTask[" + run + ", state=" + state + "]";
    }
}

package io.moirai.internal.task;

import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.scheduler.Job;
import io.moirai.internal.util.DroppedErrors;
import io.moirai.internal.util.VarHandles;
import io.moirai.task.TaskFailedException;
import io.moirai.task.TaskHandle;
import io.moirai.task.TaskResult;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.reactivestreams.Subscriber;

/**
 * The handle and state machine every task shares: its state, its result and its observers.
 *
 * <p><b>State</b> (the {@link Job}'s claim state, CAS only):
 * <pre>
 *   NEW ──claim──▶ RUNNING ──runner──▶ SUCCESS | FAILED
 *    │                │  └──cancel (interruptible)──▶ INTERRUPTING ──▶ CANCELLED
 *    └──cancel──▶ CANCELLED ◀──cancel (not interruptible)──┘
 * </pre>
 * The runner writes {@code outcome} before its CAS to a terminal state and clears it again if the CAS
 * fails (a cancel won); readers read {@code state} (acquire) before {@code outcome}. Exactly one
 * thread moves the task to a terminal state, and that thread alone runs {@code afterDone()}: if any
 * observer is waiting, it swaps the observer stack for the {@code DONE} sentinel and signals each.
 *
 * <p><b>Observers</b> ({@code listeners}): {@code null}, a Treiber stack of {@link Listener}s, or
 * {@code DONE}. Any thread may push; a push that finds {@code DONE} signals its node itself, and a
 * push that then finds the task finished takes the stack itself (the completer may have looked
 * before the push: a Dekker pair of CASes, so one of the two sees the other). A task nobody waits for
 * completes without touching {@code listeners}. The result lives here, in the handle: each observer
 * reads it through its own node; there is no shared result store.
 *
 * <p>Threads: every public method may be called from any thread.
 *
 * @param <T> the result type
 */
public abstract class TaskCore<T> extends Job implements TaskHandle<T> {

    static final int RUNNING = 1;
    static final int INTERRUPTING = 2;
    static final int SUCCESS = 3;
    static final int FAILED = 4;
    static final int CANCELLED = 5;

    /** Join spins this long before it parks (the task is often about to finish). */
    private static final long JOIN_SPIN_NANOS = Long.getLong("moirai.joinSpinNanos", 5_000L);

    private static final Object DONE = new Object();
    private static final VarHandle LISTENERS = VarHandles.field(MethodHandles.lookup(), "listeners", Object.class);

    private Object outcome;
    @SuppressWarnings("unused") // accessed through LISTENERS
    private volatile Object listeners;

    TaskCore(ComputeScheduler scheduler) {
        super(scheduler);
    }

    /** @return where errors nobody can receive go (the runtime's dropped-error handler) */
    final DroppedErrors dropped() {
        return scheduler.dropped();
    }

    // ------------------------------------------------------------------ transitions

    /** The runner claims the task; fails if it already ran, runs, or was cancelled. */
    final boolean claim() {
        return state() == NEW && casState(NEW, RUNNING);
    }

    /** The runner's outcome: a value. Loses silently against a cancel. */
    final void succeed(Object value) {
        finish(SUCCESS, value);
    }

    /** The runner's outcome: an error. Loses silently against a cancel. */
    final void fail(Throwable error) {
        finish(FAILED, error);
    }

    /**
     * The runner's outcome: what {@code work} returns, or what it throws (a null {@code work}
     * succeeds with null). Loses silently against a cancel.
     *
     * @param work the user's callable, called once on this thread
     */
    final void settleWith(Callable<?> work) {
        if (work == null) {
            succeed(null);
            return;
        }
        try {
            succeed(work.call());
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void finish(int terminal, Object result) {
        outcome = result;
        if (casState(RUNNING, terminal)) {
            afterDone();
        } else {
            outcome = null; // a cancel won: do not retain the discarded result
        }
    }

    @Override
    public final boolean cancel() {
        for (;;) {
            int s = state();
            if (s >= INTERRUPTING || (s == RUNNING && !cancellableWhileRunning())) {
                return false;
            }
            if (s == RUNNING && interruptible()) {
                if (casState(RUNNING, INTERRUPTING)) {
                    try {
                        interruptRunner();
                    } finally {
                        setStateRelease(CANCELLED);
                    }
                    afterDone();
                    return true;
                }
            } else if (casState(s, CANCELLED)) {
                afterDone();
                return true;
            }
        }
    }

    /** Shutdown: a task still queued is cancelled and never runs. */
    @Override
    public final boolean abandon() {
        if (casState(NEW, CANCELLED)) {
            afterDone();
            return true;
        }
        return false;
    }

    /** Shutdown deadline: a task still running ends cancelled (a blocking one is interrupted). */
    @Override
    public final void forceCancel() {
        cancel();
    }

    /** Whether cancelling a running task interrupts its thread (blocking tasks). */
    boolean interruptible() {
        return false;
    }

    /**
     * Whether a cancel may still win once the task was claimed. Tasks whose claim commits them to an
     * effect the handle must report (an item handed to a channel) say no: their cancel then returns
     * {@code false} and the outcome stands.
     */
    boolean cancellableWhileRunning() {
        return true;
    }

    void interruptRunner() {
        // only blocking tasks have a runner to interrupt
    }

    /** Called once the task reached its terminal state, before observers are signalled. */
    void onTerminal() {
        // hook for async tasks
    }

    /**
     * Blocking pool: waits out a cancel that is interrupting this task's runner right now. Bounded:
     * INTERRUPTING lasts only for the canceller's {@code Thread.interrupt()} call, after which it
     * publishes CANCELLED unconditionally (in a finally).
     */
    public final void awaitInterruptDelivered() {
        while (state() == INTERRUPTING) {
            Thread.onSpinWait();
        }
    }

    private void afterDone() {
        ended(); // the terminal CAS before this call made it unique
        try {
            onTerminal();
        } catch (Throwable t) {
            scheduler.dropped().report(t);
        }
        // the terminal CAS above was a full barrier: an observer pushed before it is seen here, one
        // pushed after it sees the terminal state and signals itself (see addListener)
        if (LISTENERS.getVolatile(this) != null) {
            signalAll();
        }
    }

    /** Takes the whole observer stack (leaving DONE) and signals each node; each node is taken once. */
    private void signalAll() {
        Object h = LISTENERS.getAndSet(this, DONE);
        for (Listener l = h instanceof Listener first ? first : null; l != null; ) {
            Listener next = l.next();
            signal(l);
            l = next;
        }
    }

    private void signal(Listener l) {
        try {
            l.taskDone(this);
        } catch (Throwable t) {
            scheduler.dropped().report(t);
        }
    }

    /**
     * Pushes an observer; if the task is already finished, signals it at once instead. A node may be
     * signalled by the completer and by a concurrent adder's {@code signalAll}, but each node is
     * taken off the stack by exactly one of them.
     */
    final void addListener(Listener l) {
        for (;;) {
            Object h = LISTENERS.getVolatile(this);
            if (h == DONE) {
                signal(l);
                return;
            }
            l.setNextPlain((Listener) h);
            if (LISTENERS.compareAndSet(this, h, l)) {
                break;
            }
        }
        if (state() >= SUCCESS) {
            signalAll(); // the task finished while we pushed and its completer may have seen no observer
        }
    }

    /** @return whether some observer (joiner, subscriber, future view) is waiting, racy by nature */
    final boolean hasObservers() {
        Object h = LISTENERS.getVolatile(this);
        return h != null && h != DONE;
    }

    /** Unlinks observers that no longer care (as {@code FutureTask.removeWaiter} does). */
    final void purgeDeadListeners() {
        retry:
        for (;;) {
            Object h = LISTENERS.getVolatile(this);
            if (!(h instanceof Listener)) {
                return;
            }
            Listener pred = null;
            Listener q = (Listener) h;
            while (q != null) {
                Listener s = q.next();
                if (!q.isDead()) {
                    pred = q;
                } else if (pred != null) {
                    pred.setNextVolatile(s);
                    if (pred.isDead()) {
                        continue retry;
                    }
                } else if (!LISTENERS.compareAndSet(this, q, s)) {
                    continue retry;
                }
                q = s;
            }
            return;
        }
    }

    // ------------------------------------------------------------------ reading the outcome

    final Object outcome() {
        return outcome;
    }

    @Override
    public final boolean isFinished() {
        return state() >= SUCCESS;
    }

    @Override
    public final boolean isCancelled() {
        return state() == CANCELLED;
    }

    @Override
    public final Optional<TaskResult<T>> tryJoin() {
        int s = state();
        if (s < SUCCESS) {
            return Optional.empty();
        }
        return Optional.of(result(s));
    }

    @SuppressWarnings("unchecked")
    private TaskResult<T> result(int s) {
        return switch (s) {
            case SUCCESS -> new TaskResult.Success<>((T) outcome);
            case FAILED -> new TaskResult.Failure<>((Throwable) outcome);
            default -> new TaskResult.Cancelled<>();
        };
    }

    @Override
    public final T join() {
        int s = state();
        if (s < SUCCESS) {
            s = awaitDone(false, 0L);
        }
        return report(s);
    }

    @Override
    public final T join(Duration timeout) throws TimeoutException {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        int s = state();
        if (s < SUCCESS) {
            long nanos = saturatedNanos(timeout);
            s = nanos == Long.MAX_VALUE ? awaitDone(false, 0L) : awaitDone(true, nanos);
            if (s < SUCCESS) {
                throw new TimeoutException("task did not finish within " + timeout);
            }
        }
        return report(s);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    @SuppressWarnings("unchecked")
    private T report(int s) {
        if (s == SUCCESS) {
            return (T) outcome;
        }
        if (s == FAILED) {
            Throwable error = (Throwable) outcome;
            throw new TaskFailedException(error);
        }
        throw new CancellationException("the task was cancelled");
    }

    /** Whether this task's {@link #run()} belongs on a compute worker (so a joining worker may run it). */
    boolean runsOnComputeWorkers() {
        return false;
    }

    /** A joining compute worker runs this task itself if it has not started yet. */
    private boolean tryRunInline() {
        if (!runsOnComputeWorkers() || state() != NEW) {
            return false;
        }
        run();
        return true;
    }

    private int awaitDone(boolean timed, long nanos) {
        long deadline = timed ? System.nanoTime() + nanos : 0L;
        int s;
        if (scheduler.isCurrentWorker()) {
            // a worker must not just block: run the awaited task itself, or help with queued work
            if (tryRunInline() && (s = state()) >= SUCCESS) {
                return s;
            }
            while ((s = state()) < SUCCESS
                    && (!timed || System.nanoTime() - deadline < 0)
                    && scheduler.helpOnce()) {
                // helped with one job; look again
            }
            if (s >= SUCCESS) {
                return s;
            }
            scheduler.beforeBlocking();
        }
        s = spinUntilDone(timed ? nanos : Long.MAX_VALUE);
        if (s >= SUCCESS) {
            return s;
        }
        JoinWaiter waiter = new JoinWaiter(Thread.currentThread());
        addListener(waiter); // may signal observers (user code) if the task just finished: outside the waits
        return parkUntilDone(waiter, timed, deadline);
    }

    /**
     * A join's bounded spin ({@code JOIN_SPIN_NANOS}, 5 µs by default): a task about to finish is not
     * worth a park. Runs no other code; BlockHound's integration allows the spin here.
     *
     * @return the state at the end of the spin
     */
    private int spinUntilDone(long maxNanos) {
        long spinUntil = System.nanoTime() + Math.min(JOIN_SPIN_NANOS, maxNanos);
        int s;
        while ((s = state()) < SUCCESS && System.nanoTime() - spinUntil < 0) {
            Thread.onSpinWait();
        }
        return s;
    }

    /**
     * A join's park, until the task's completer unparks {@code waiter}'s thread or the deadline passes.
     * Runs no user code; BlockHound's integration allows the park here.
     *
     * @return the state the join ends with (not terminal if it timed out)
     */
    private int parkUntilDone(JoinWaiter waiter, boolean timed, long deadline) {
        boolean interrupted = false;
        try {
            for (;;) {
                int s = state();
                if (s >= SUCCESS) {
                    return s;
                }
                if (timed) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0L) {
                        waiter.abandon();
                        purgeDeadListeners();
                        return state();
                    }
                    LockSupport.parkNanos(this, remaining);
                } else {
                    LockSupport.park(this);
                }
                if (Thread.interrupted()) {
                    interrupted = true; // join is not interruptible; keep the status for the caller
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ views

    @Override
    public final CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> future = new CompletableFuture<>();
        addListener(new FutureListener<>(future));
        return future;
    }

    @SuppressWarnings("unchecked")
    final void completeFuture(CompletableFuture<T> future) {
        int s = state();
        if (s == SUCCESS) {
            future.complete((T) outcome);
        } else if (s == FAILED) {
            future.completeExceptionally((Throwable) outcome);
        } else {
            future.completeExceptionally(new CancellationException("the task was cancelled"));
        }
    }

    @Override
    public final void subscribe(Subscriber<? super T> subscriber) {
        Subscriptions.requireSubscriber(subscriber);
        TaskSubscription<T> subscription = new TaskSubscription<>(this, subscriber);
        try {
            subscriber.onSubscribe(subscription);
        } catch (Throwable t) {
            // §2.13: a subscriber that throws is broken; treat its subscription as cancelled
            subscription.cancel();
            scheduler.dropped().report(t);
            return;
        }
        addListener(subscription);
    }

    @Override
    public String toString() {
        String s = switch (state()) {
            case NEW -> "pending";
            case RUNNING -> "running";
            case SUCCESS -> "succeeded";
            case FAILED -> "failed";
            default -> "cancelled";
        };
        return getClass().getSimpleName() + "[" + s + "]";
    }
}

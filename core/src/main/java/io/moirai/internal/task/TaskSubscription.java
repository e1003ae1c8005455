package io.moirai.internal.task;

import io.moirai.internal.flow.Demand;
import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * One subscriber's path to a task's result: its own demand, its own signals.
 *
 * <p><b>Protocol</b> ({@code flags}, CAS only): {@code REQUESTED} is set by the first valid
 * {@code request}, {@code DONE} when the task finished, {@code TERMINATED} by whoever signals the
 * subscriber's end or cancels. The thread that sets {@code TERMINATED} is the only one that ever
 * signals the subscriber after {@code onSubscribe}, so signals are serial (§1.3), a {@code request}
 * made inside {@code onNext} finds {@code TERMINATED} and returns at once (§3.3), and nothing is
 * signalled after {@code cancel} (§3.6, §3.7). A value needs {@code REQUESTED} and {@code DONE};
 * an empty, failed or cancelled outcome needs only {@code DONE}.
 *
 * <p>Threads: {@code request} and {@code cancel} may be called from any thread; {@code taskDone}
 * by the thread that completed the task.
 */
final class TaskSubscription<T> extends Listener implements Subscription {

    private static final int REQUESTED = 1;
    private static final int DONE = 2;
    private static final int TERMINATED = 4;

    private static final VarHandle FLAGS = VarHandles.field(MethodHandles.lookup(), "flags", int.class);

    private final TaskCore<T> task;
    private Subscriber<? super T> downstream;
    @SuppressWarnings("unused") // accessed through FLAGS
    private volatile int flags;

    TaskSubscription(TaskCore<T> task, Subscriber<? super T> downstream) {
        this.task = task;
        this.downstream = downstream;
    }

    @Override
    public void request(long n) {
        if (!Demand.isValid(n)) {
            Subscriber<? super T> s = downstream;
            if (terminate()) {
                deliver(s, () -> s.onError(Demand.invalidRequest(n))); // §3.9
                task.purgeDeadListeners();
            }
            return;
        }
        for (;;) {
            int f = flags;
            if ((f & (REQUESTED | TERMINATED)) != 0) {
                return; // §3.17: one element at most, more demand changes nothing
            }
            if (FLAGS.compareAndSet(this, f, f | REQUESTED)) {
                if ((f & DONE) != 0) {
                    emit();
                }
                return;
            }
        }
    }

    @Override
    public void cancel() {
        if (terminate()) {
            downstream = null; // §3.13: drop the reference to the subscriber
            task.purgeDeadListeners();
        }
    }

    @Override
    void taskDone(TaskCore<?> t) {
        for (;;) {
            int f = flags;
            if ((f & TERMINATED) != 0) {
                return;
            }
            if (FLAGS.compareAndSet(this, f, f | DONE)) {
                if ((f & REQUESTED) != 0 || !hasValue()) {
                    emit();
                }
                return;
            }
        }
    }

    @Override
    boolean isDead() {
        return (flags & TERMINATED) != 0;
    }

    private boolean hasValue() {
        return task.state() == TaskCore.SUCCESS && task.outcome() != null;
    }

    private boolean terminate() {
        for (;;) {
            int f = flags;
            if ((f & TERMINATED) != 0) {
                return false;
            }
            if (FLAGS.compareAndSet(this, f, f | TERMINATED)) {
                return true;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void emit() {
        Subscriber<? super T> s = downstream;
        if (!terminate()) {
            return;
        }
        downstream = null;
        int state = task.state();
        Object outcome = task.outcome();
        if (state == TaskCore.SUCCESS) {
            if (outcome == null || deliver(s, () -> s.onNext((T) outcome))) {
                deliver(s, s::onComplete);
            }
        } else if (state == TaskCore.FAILED) {
            deliver(s, () -> s.onError((Throwable) outcome));
        } else {
            deliver(s, () -> s.onError(new CancellationException("the task was cancelled")));
        }
    }

    /**
     * Calls the subscriber; what it throws (§2.13) goes to the dropped-error handler and ends the
     * subscription.
     *
     * @return {@code true} if the subscriber returned normally
     */
    private boolean deliver(Subscriber<? super T> s, Runnable signal) {
        try {
            signal.run();
            return true;
        } catch (Throwable t) {
            task.dropped().report(t);
            return false;
        }
    }
}

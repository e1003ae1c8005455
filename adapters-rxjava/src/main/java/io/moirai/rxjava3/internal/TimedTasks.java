package io.moirai.rxjava3.internal;

import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.disposables.DisposableContainer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.TreeSet;

/**
 * The delayed tasks of one {@link SerialWorker} whose timers have not fired, ordered by deadline and,
 * for equal deadlines, by the order they were scheduled.
 *
 * <p><b>Why.</b> Each delayed task has its own Moirai timer, but timers due in the same wheel tick fire
 * as separate jobs that may run on different workers in any order. RxJava operators rely on a worker
 * running its delayed tasks in deadline order ({@code delay} schedules {@code onNext} and then
 * {@code onComplete} with the same delay, and the completion must not overtake the value), as
 * {@code ScheduledThreadPoolExecutor} does. So a firing timer does not queue its own task: it moves
 * every task that is due, earliest first, from here to the worker's queue ({@link #moveDue}), under
 * this object's lock; a timer whose task was already moved finds nothing to do.
 *
 * <p><b>Threads.</b> Every method may be called from any thread; all state is guarded by
 * {@code this}. Tasks are disposed outside the lock.
 */
final class TimedTasks implements DisposableContainer {

    private static final Comparator<ScheduledTask> ORDER = (a, b) -> {
        long d = a.deadline() - b.deadline(); // nanoTime values: compare by difference
        if (d != 0L) {
            return d < 0L ? -1 : 1;
        }
        return Long.compare(a.seq(), b.seq());
    };

    private final TreeSet<ScheduledTask> tasks = new TreeSet<>(ORDER);
    private long nextSeq;
    private boolean disposed;

    /**
     * Adds a waiting {@link ScheduledTask} whose deadline is set.
     *
     * @return {@code false} if this container was disposed; the task is then disposed
     */
    @Override
    public boolean add(Disposable d) {
        ScheduledTask task = (ScheduledTask) d;
        synchronized (this) {
            if (!disposed) {
                task.setSeq(nextSeq++);
                tasks.add(task);
                return true;
            }
        }
        task.dispose();
        return false;
    }

    @Override
    public boolean remove(Disposable d) {
        if (delete(d)) {
            d.dispose();
            return true;
        }
        return false;
    }

    @Override
    public boolean delete(Disposable d) {
        synchronized (this) {
            return !disposed && tasks.remove((ScheduledTask) d);
        }
    }

    /**
     * Moves every task due at {@code now} (deadline not after it) to {@code queue}, earliest first.
     *
     * @return how many tasks were queued
     */
    synchronized int moveDue(long now, Queue<ScheduledTask> queue) {
        int moved = 0;
        while (!tasks.isEmpty()) {
            ScheduledTask first = tasks.first();
            if (first.deadline() - now > 0L) {
                break;
            }
            tasks.pollFirst();
            if (first.markReady()) { // else disposed meanwhile
                queue.offer(first);
                moved++;
            }
        }
        return moved;
    }

    /** Disposes every task still waiting and refuses new ones. Idempotent. */
    void dispose() {
        List<ScheduledTask> waiting;
        synchronized (this) {
            if (disposed) {
                return;
            }
            disposed = true;
            waiting = new ArrayList<>(tasks);
            tasks.clear();
        }
        for (ScheduledTask task : waiting) {
            task.dispose(); // cancels its timer
        }
    }
}

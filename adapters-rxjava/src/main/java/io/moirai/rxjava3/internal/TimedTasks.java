package io.moirai.rxjava3.internal;

import io.moirai.internal.serial.DeadlineQueue;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.disposables.DisposableContainer;

/**
 * The delayed tasks of one {@link SerialWorker} whose timers have not fired: core's
 * {@link DeadlineQueue} (deadline order, ties in scheduling order; a firing timer moves every due task
 * to the worker's queue) seen as the {@link DisposableContainer} a {@link ScheduledTask} tracks itself
 * in, so that a task disposed before it is due leaves it, and disposing the worker disposes what waits.
 *
 * <p><b>Threads.</b> Every method may be called from any thread; tasks are disposed outside the
 * holder's lock.
 */
final class TimedTasks implements DisposableContainer {

    /** A task leaves when due only if it still waits ({@code WAITING -> READY}); else it was disposed. */
    private final DeadlineQueue<ScheduledTask> waiting = new DeadlineQueue<>(ScheduledTask::markReady);

    /**
     * Adds a waiting {@link ScheduledTask} whose deadline is set.
     *
     * @return {@code false} if this container was disposed; the task is then disposed
     */
    @Override
    public boolean add(Disposable d) {
        ScheduledTask task = (ScheduledTask) d;
        DeadlineQueue.Entry<ScheduledTask> entry = waiting.add(task, task.deadline());
        if (entry != null) {
            task.timedEntry(entry);
            return true;
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
        return waiting.remove(((ScheduledTask) d).timedEntry());
    }

    /** @return the holder, for {@code SerialExecutor.moveDue} */
    DeadlineQueue<ScheduledTask> waiting() {
        return waiting;
    }

    /** Disposes every task still waiting and refuses new ones. Idempotent. */
    void dispose() {
        waiting.disposeAll(ScheduledTask::dispose); // each cancels its timer
    }
}

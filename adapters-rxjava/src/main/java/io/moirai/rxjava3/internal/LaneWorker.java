package io.moirai.rxjava3.internal;

import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.CompositeDisposable;
import io.reactivex.rxjava3.disposables.Disposable;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler.Worker} of a {@link LaneScheduler}: its tasks run on the scheduler's lane (one
 * {@link SerialWorker} shared by every worker and by the direct tasks), so they run one at a time, in
 * order, never overlapping any other task of the scheduler; as the workers of RxJava's
 * {@code SingleScheduler}, which all run on its one thread.
 *
 * <p><b>Disposal.</b> Each task is wrapped in a {@link LaneTask} kept in {@code tasks} until it ends.
 * {@link #dispose()} disposes {@code tasks}: every task of this worker not yet started never runs (its
 * lane entry and timer are cancelled) and reports {@code isDisposed()}; the lane and the other workers
 * go on. A task scheduled on a disposed worker is not run and gets {@link Disposable#disposed()}.
 *
 * <p><b>Threads.</b> Every method may be called from any thread, concurrently.
 */
final class LaneWorker extends DecoratingWorker {

    private final SerialWorker lane;
    private final CompositeDisposable tasks = new CompositeDisposable();

    LaneWorker(SerialWorker lane) {
        this.lane = lane;
    }

    /**
     * Schedules a task whose {@code onSchedule} hook was applied.
     *
     * @return the task, or {@link Disposable#disposed()} if this worker is disposed or the lane rejected it
     */
    @Override
    Disposable scheduleDecorated(Runnable decorated, long delayNanos) {
        LaneTask task = new LaneTask(decorated, tasks);
        if (!tasks.add(task)) {
            return Disposable.disposed(); // this worker is disposed
        }
        Disposable onLane = lane.scheduleDecorated(task, delayNanos);
        if (onLane == Disposable.disposed()) {
            tasks.delete(task); // rejected (and reported by the lane, if the scheduler is shut down)
            return onLane;
        }
        task.setOnLane(onLane);
        return task;
    }

    @Override
    public long now(TimeUnit unit) {
        return lane.now(unit);
    }

    @Override
    public void dispose() {
        tasks.dispose();
    }

    @Override
    public boolean isDisposed() {
        return tasks.isDisposed();
    }

    @Override
    public String toString() {
        return "LaneWorker[" + lane + (isDisposed() ? ", disposed]" : "]");
    }
}

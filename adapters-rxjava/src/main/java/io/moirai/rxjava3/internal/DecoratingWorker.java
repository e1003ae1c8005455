package io.moirai.rxjava3.internal;

import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What every worker of the adapter does at its API boundary, written once: refuse null arguments with
 * RxJava's messages ({@code "run is null"}, {@code "unit is null"}), apply the
 * {@code RxJavaPlugins.onSchedule} hook once per task (once per periodic task, not once per run), treat
 * a negative delay as none, and run periodic tasks at a fixed rate through {@link PeriodicTask}, one
 * run at a time on the worker. Subclasses only schedule a decorated task.
 *
 * <p>Threads: every method may be called from any thread, concurrently (the RxJava contract).
 */
abstract class DecoratingWorker extends Scheduler.Worker {

    /**
     * Schedules a task whose {@code onSchedule} hook was applied.
     *
     * @param decorated the task
     * @param delayNanos zero or a positive delay
     * @return the task's {@code Disposable}, or {@link Disposable#disposed()} if it was refused
     */
    abstract Disposable scheduleDecorated(Runnable decorated, long delayNanos);

    @Override
    public final Disposable schedule(Runnable run) {
        Objects.requireNonNull(run, "run is null");
        return scheduleDecorated(RxJavaPlugins.onSchedule(run), 0L);
    }

    @Override
    public final Disposable schedule(Runnable run, long delay, TimeUnit unit) {
        Objects.requireNonNull(run, "run is null");
        Objects.requireNonNull(unit, "unit is null");
        return scheduleDecorated(RxJavaPlugins.onSchedule(run), delay <= 0L ? 0L : unit.toNanos(delay));
    }

    /**
     * Fixed rate on Moirai's timers, one run at a time on this worker (see {@link PeriodicTask});
     * overridden so that no run starts after the returned {@code Disposable} was disposed and the
     * {@code onSchedule} hook is applied once, not once per run.
     */
    @Override
    public final Disposable schedulePeriodically(Runnable run, long initialDelay, long period, TimeUnit unit) {
        Objects.requireNonNull(run, "run is null");
        Objects.requireNonNull(unit, "unit is null");
        PeriodicTask task = new PeriodicTask(RxJavaPlugins.onSchedule(run), unit.toNanos(period),
                this::scheduleDecorated, this);
        return task.start(unit.toNanos(initialDelay));
    }
}

package io.moirai.rxjava3.internal;

import io.moirai.internal.util.VarHandles;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;
import io.reactivex.rxjava3.schedulers.SchedulerRunnableIntrospection;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A periodic task at a fixed rate, as {@code ScheduledThreadPoolExecutor.scheduleAtFixedRate}: run
 * {@code k} starts no earlier than {@code initialDelay + k * period} after scheduling, measured on
 * {@link System#nanoTime()} (so neither timer ticks nor wall-clock jumps accumulate drift); a run that
 * starts late is followed at once by the next one due. Each run schedules the next one-shot run when it
 * ends, on its worker (so runs never overlap) or as a direct task; {@code RxJavaPlugins.onSchedule} was
 * applied once, to the runnable this task wraps.
 *
 * <p><b>Cancellation.</b> {@link #dispose()} writes {@code disposed}, then reads {@code next} (the
 * pending one-shot run) and disposes it; whoever stores a new {@code next} writes it, then reads
 * {@code disposed} and disposes it if set: so the last scheduled run is always disposed (its timer
 * cancelled). Every run checks {@code disposed} before calling the runnable, so no run starts after
 * {@code dispose()} returned. {@link #start} stores the first run only if {@code next} is still
 * empty, since that run may already have ended and stored its successor. A runnable that throws ends
 * the period: the error goes to {@code RxJavaPlugins.onError}, as with RxJava's own periodic tasks
 * ({@code ScheduledDirectPeriodicTask}). Once its owner (the worker, or the scheduler generation of
 * a direct periodic task) is disposed, the task schedules no further run and reports
 * {@link #isDisposed()}, as the tasks of a disposed worker do.
 *
 * <p><b>Threads.</b> {@link #dispose()} and {@link #isDisposed()}: any thread. {@link #run()} is called
 * by one run at a time, each happening after the previous one ended; {@code nextStart} is touched only
 * by {@link #start} (before the first run is scheduled) and by the runs.
 */
final class PeriodicTask implements Runnable, Disposable, SchedulerRunnableIntrospection {

    /** Schedules one run of a task whose {@code onSchedule} hook was already applied. */
    @FunctionalInterface
    interface OneShot {
        /**
         * @param task the task
         * @param delayNanos zero or negative: as soon as possible
         * @return the run's {@code Disposable}, or {@link Disposable#disposed()} if rejected
         */
        Disposable schedule(Runnable task, long delayNanos);
    }

    /** Delays and periods are capped here so that deadlines cannot overflow (about 73,000 years). */
    private static final long MAX_NANOS = Long.MAX_VALUE >>> 2;

    private final Runnable run;
    private final long periodNanos;
    private final OneShot oneShot;
    /** The worker, or the scheduler generation of a direct periodic task. */
    private final Disposable owner;
    private static final VarHandle NEXT = VarHandles.field(MethodHandles.lookup(), "next", Disposable.class);

    @SuppressWarnings("unused") // accessed through NEXT
    private volatile Disposable next;
    private volatile boolean disposed;
    private long nextStart;

    /**
     * @param run the runnable, {@code onSchedule} already applied
     * @param periodNanos the period; zero or negative: each run follows the previous one at once
     * @param oneShot schedules one run
     * @param owner the worker or scheduler generation whose disposal ends the period
     */
    PeriodicTask(Runnable run, long periodNanos, OneShot oneShot, Disposable owner) {
        this.run = run;
        this.periodNanos = Math.min(Math.max(periodNanos, 0L), MAX_NANOS);
        this.oneShot = oneShot;
        this.owner = owner;
    }

    /**
     * Schedules the first run.
     *
     * @return this task, or {@link Disposable#disposed()} if the first run was rejected
     */
    Disposable start(long initialDelayNanos) {
        long delay = Math.min(Math.max(initialDelayNanos, 0L), MAX_NANOS);
        nextStart = System.nanoTime() + delay;
        Disposable first = oneShot.schedule(this, delay);
        if (first == Disposable.disposed()) {
            return first; // rejected (and reported); the caller sees the disposed singleton, as RxJava's
        }
        if (NEXT.compareAndSet(this, null, first) && disposed) {
            first.dispose();
        }
        return this;
    }

    @Override
    public void run() {
        if (disposed) {
            return;
        }
        try {
            run.run();
        } catch (Throwable t) {
            dispose();
            RxJavaPlugins.onError(t);
            return;
        }
        if (!disposed && !owner.isDisposed()) {
            nextStart += periodNanos;
            Disposable d = oneShot.schedule(this, nextStart - System.nanoTime());
            NEXT.setVolatile(this, d);
            if (disposed) {
                d.dispose();
            }
        }
    }

    @Override
    public void dispose() {
        disposed = true;
        Disposable d = (Disposable) NEXT.getVolatile(this);
        if (d != null) {
            d.dispose();
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed || owner.isDisposed();
    }

    @Override
    public Runnable getWrappedRunnable() {
        return run;
    }
}

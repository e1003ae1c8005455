package io.moirai.rxjava3.internal;

import io.moirai.Moirai;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An RxJava {@link Scheduler} with the guarantee of {@code Schedulers.single()} on Moirai's compute
 * workers: every task it is given, direct or on any of its workers, runs on one <em>lane</em> (one
 * {@link SerialWorker}), so tasks never overlap and run in the order they were scheduled (delayed ones
 * in deadline order), though not always on the same thread. It is what
 * {@code MoiraiRx.installDefaultSchedulers} installs as {@code Schedulers.single()}.
 *
 * <p><b>Contract.</b> {@link #scheduleDirect} and {@link #schedulePeriodicallyDirect} schedule on the
 * lane itself. {@link #createWorker()} returns a {@link LaneWorker}: its tasks go to the lane too, and
 * disposing it disposes only its own tasks, as with the workers of RxJava's {@code SingleScheduler}.
 * Null arguments, the {@code onSchedule} hook, errors and interrupts (none: compute tasks are never
 * interrupted) are as on {@link MoiraiScheduler}.
 *
 * <p><b>Lifecycle.</b> {@link #shutdown()} shuts down the compute {@link MoiraiScheduler} that owns the
 * lane, which disposes the lane (pending tasks dropped, timers cancelled); from then on every task is
 * rejected as that scheduler documents ({@code RejectedExecutionException} to
 * {@code RxJavaPlugins.onError}, {@link Disposable#disposed()} returned). {@link #start()} starts it
 * again with a new lane; workers created before stay on the old one and stay shut down.
 *
 * <p><b>Threads.</b> Every method may be called from any thread, concurrently.
 */
public final class LaneScheduler extends Scheduler {

    private final MoiraiScheduler base;
    private final AtomicReference<SerialWorker> lane;

    /** @param moirai the runtime whose compute workers run the lane, not null */
    public LaneScheduler(Moirai moirai) {
        this.base = new MoiraiScheduler(moirai, false);
        this.lane = new AtomicReference<>((SerialWorker) base.createWorker());
    }

    @Override
    public Worker createWorker() {
        return new LaneWorker(lane.get());
    }

    @Override
    public Disposable scheduleDirect(Runnable run) {
        return lane.get().schedule(run);
    }

    @Override
    public Disposable scheduleDirect(Runnable run, long delay, TimeUnit unit) {
        return lane.get().schedule(run, delay, unit);
    }

    @Override
    public Disposable schedulePeriodicallyDirect(Runnable run, long initialDelay, long period, TimeUnit unit) {
        return lane.get().schedulePeriodically(run, initialDelay, period, unit);
    }

    /** RxJava's clock, as on {@link MoiraiScheduler#now}. */
    @Override
    public long now(TimeUnit unit) {
        return super.now(unit);
    }

    /** Starts a new lane if this scheduler was shut down; otherwise does nothing. Idempotent. */
    @Override
    public void start() {
        base.start();
        SerialWorker current = lane.get();
        if (current.isDisposed()) {
            SerialWorker fresh = (SerialWorker) base.createWorker();
            if (!lane.compareAndSet(current, fresh)) {
                fresh.dispose(); // another start() won
            }
        }
    }

    /** Drops the lane's pending tasks and rejects new ones until {@link #start()}; never shuts the runtime down. */
    @Override
    public void shutdown() {
        base.shutdown();
    }

    @Override
    public String toString() {
        return "LaneScheduler[" + base + "]";
    }
}

package io.moirai.rxjava3.internal;

import io.moirai.Moirai;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.functions.Function;
import io.reactivex.rxjava3.plugins.RxJavaPlugins;

/**
 * One installation of Moirai as RxJava's default schedulers (behind
 * {@code MoiraiRx.installDefaultSchedulers}); disposing it undoes the installation.
 *
 * <p><b>What it installs</b>, through {@link RxJavaPlugins}'s scheduler handlers, so that
 * {@code Schedulers.computation()}, {@code io()}, {@code single()} and {@code newThread()} (and every
 * operator that uses them by default) return: computation: a compute {@link MoiraiScheduler};
 * single: a {@link LaneScheduler} (one lane on the compute workers, keeping single's one-at-a-time
 * order); io and newThread: one blocking {@link MoiraiScheduler}. Each handler returns the same
 * scheduler on every call, as RxJava's defaults are singletons. The previous handlers are kept.
 *
 * <p><b>Undo</b> ({@link #dispose()}): each of the four handlers that is still this installation's is
 * set back to the handler it replaced; a handler someone replaced since is left alone, so nested
 * installations undo cleanly in reverse order. The installed schedulers are not shut down: work
 * already scheduled on them runs to its end, on Moirai's threads; what RxJava schedules afterwards
 * goes to the restored schedulers.
 *
 * <p><b>Lockdown.</b> Once {@link RxJavaPlugins#lockdown()} was called, handlers cannot change:
 * installing throws {@link IllegalStateException} before touching any handler, and so does undoing.
 *
 * <p><b>Threads.</b> Any thread; installs and undos are serialized on this class's lock (RxJava's
 * handler fields are plain volatile fields, so the read of a previous handler and the write of ours
 * are kept together).
 */
public final class DefaultSchedulers implements Disposable {

    private final Function<? super Scheduler, ? extends Scheduler> previousComputation;
    private final Function<? super Scheduler, ? extends Scheduler> previousIo;
    private final Function<? super Scheduler, ? extends Scheduler> previousSingle;
    private final Function<? super Scheduler, ? extends Scheduler> previousNewThread;
    private final Function<Scheduler, Scheduler> computation;
    private final Function<Scheduler, Scheduler> io;
    private final Function<Scheduler, Scheduler> single;
    private final Function<Scheduler, Scheduler> newThread;
    private volatile boolean disposed;

    private DefaultSchedulers(Moirai moirai) {
        Scheduler compute = new MoiraiScheduler(moirai, false);
        Scheduler blocking = new MoiraiScheduler(moirai, true);
        Scheduler lane = new LaneScheduler(moirai);
        // four distinct function objects, so that undo recognizes each handler as this installation's
        computation = s -> compute;
        io = s -> blocking;
        single = s -> lane;
        newThread = s -> blocking;
        previousComputation = RxJavaPlugins.getComputationSchedulerHandler();
        previousIo = RxJavaPlugins.getIoSchedulerHandler();
        previousSingle = RxJavaPlugins.getSingleSchedulerHandler();
        previousNewThread = RxJavaPlugins.getNewThreadSchedulerHandler();
    }

    /**
     * Installs Moirai's schedulers as RxJava's defaults.
     *
     * @param moirai the runtime, not null
     * @return the installation; dispose it to restore the previous handlers
     * @throws IllegalStateException if RxJava's plugins are locked down
     */
    public static Disposable install(Moirai moirai) {
        synchronized (DefaultSchedulers.class) {
            requireUnlocked("Moirai cannot be installed as RxJava's default schedulers");
            DefaultSchedulers d = new DefaultSchedulers(moirai);
            RxJavaPlugins.setComputationSchedulerHandler(d.computation);
            RxJavaPlugins.setIoSchedulerHandler(d.io);
            RxJavaPlugins.setSingleSchedulerHandler(d.single);
            RxJavaPlugins.setNewThreadSchedulerHandler(d.newThread);
            return d;
        }
    }

    /**
     * Restores the handlers this installation replaced, where they are still this installation's.
     * Idempotent.
     *
     * @throws IllegalStateException if RxJava's plugins were locked down since the installation
     */
    @Override
    public void dispose() {
        synchronized (DefaultSchedulers.class) {
            if (disposed) {
                return;
            }
            requireUnlocked("the schedulers RxJava had before Moirai's cannot be restored");
            if (RxJavaPlugins.getComputationSchedulerHandler() == computation) {
                RxJavaPlugins.setComputationSchedulerHandler(previousComputation);
            }
            if (RxJavaPlugins.getIoSchedulerHandler() == io) {
                RxJavaPlugins.setIoSchedulerHandler(previousIo);
            }
            if (RxJavaPlugins.getSingleSchedulerHandler() == single) {
                RxJavaPlugins.setSingleSchedulerHandler(previousSingle);
            }
            if (RxJavaPlugins.getNewThreadSchedulerHandler() == newThread) {
                RxJavaPlugins.setNewThreadSchedulerHandler(previousNewThread);
            }
            disposed = true;
        }
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    private static void requireUnlocked(String what) {
        if (RxJavaPlugins.isLockdown()) {
            throw new IllegalStateException("RxJavaPlugins are locked down (RxJavaPlugins.lockdown()): " + what);
        }
    }

    @Override
    public String toString() {
        return "MoiraiRx.installDefaultSchedulers" + (disposed ? "[undone]" : "[installed]");
    }
}

package io.moirai.reactor.internal;

import io.moirai.Moirai;
import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Reactor's {@link Schedulers.Factory} on one Moirai runtime: what {@code Schedulers.parallel()},
 * {@code single()}, {@code boundedElastic()} and the {@code Schedulers.newXxx} methods create once it
 * is installed ({@link #install}).
 *
 * <ul>
 *   <li>{@code newParallel} -> a scheduler on the compute workers (the requested parallelism is the
 *       runtime's worker count);</li>
 *   <li>{@code newSingle} -> a serial scheduler on the compute workers: all its tasks, direct or
 *       through any of its workers, run one at a time, as on Reactor's single thread;</li>
 *   <li>{@code newBoundedElastic}, {@code newThreadPerTaskBoundedElastic} -> a scheduler on the
 *       blocking pool (bounded by the runtime's {@code maxBlockingThreads}; the thread and queue caps
 *       and the time-to-live Reactor passes are the runtime's own settings instead).</li>
 * </ul>
 * The thread factory Reactor passes is not used (the runtime's threads run the tasks); its name, when
 * it has one, goes into the scheduler's name.
 *
 * <p>Threads: immutable; any thread.
 */
public final class MoiraiSchedulersFactory implements Schedulers.Factory {

    private final Moirai moirai;

    /**
     * A factory that is not installed (see {@link #install} for the usual way).
     *
     * @param moirai the runtime the schedulers run on
     */
    public MoiraiSchedulersFactory(Moirai moirai) {
        this.moirai = Objects.requireNonNull(moirai, "moirai");
    }

    /**
     * Installs a factory on {@code moirai} with {@link Schedulers#setFactoryWithSnapshot}: the shared
     * schedulers created from now on are Moirai's, and those Reactor had already created are kept
     * aside (not disposed) in the snapshot.
     *
     * @param moirai the runtime
     * @return disposing it (the first time) restores the snapshot with {@link Schedulers#resetFrom}:
     *     the previous factory and shared schedulers come back, the Moirai ones created meanwhile are
     *     disposed (the runtime keeps running)
     */
    public static Disposable install(Moirai moirai) {
        return new Installed(Schedulers.setFactoryWithSnapshot(new MoiraiSchedulersFactory(moirai)));
    }

    @Override
    public Scheduler newParallel(int parallelism, ThreadFactory threadFactory) {
        return new MoiraiScheduler(new Dispatch(moirai, false), name("parallel", threadFactory), false);
    }

    @Override
    public Scheduler newSingle(ThreadFactory threadFactory) {
        return new MoiraiScheduler(new Dispatch(moirai, false), name("single", threadFactory), true);
    }

    @Override
    public Scheduler newBoundedElastic(int threadCap, int queuedTaskCap, ThreadFactory threadFactory, int ttlSeconds) {
        return new MoiraiScheduler(new Dispatch(moirai, true), name("boundedElastic", threadFactory), false);
    }

    @Override
    public Scheduler newThreadPerTaskBoundedElastic(int threadCap, int queuedTaskCap, ThreadFactory threadFactory) {
        return new MoiraiScheduler(new Dispatch(moirai, true), name("boundedElastic", threadFactory), false);
    }

    /** {@code kind("threadName")@moirai}; Reactor's own thread factories supply their name. */
    private String name(String kind, ThreadFactory threadFactory) {
        String prefix = threadFactory instanceof Supplier<?> named ? "\"" + named.get() + "\"" : "";
        return kind + "(" + prefix + ")@" + moirai;
    }

    @Override
    public String toString() {
        return "MoiraiSchedulersFactory(" + moirai + ")";
    }

    /** The undo of {@link #install}: restores the snapshot once. */
    private static final class Installed implements Disposable {

        private static final VarHandle DONE = VarHandles.field(MethodHandles.lookup(), "done", boolean.class);

        private final Schedulers.Snapshot previous;
        @SuppressWarnings("unused") private volatile boolean done;

        Installed(Schedulers.Snapshot previous) {
            this.previous = previous;
        }

        @Override
        public void dispose() {
            if (DONE.compareAndSet(this, false, true)) {
                Schedulers.resetFrom(previous);
            }
        }

        @Override
        public boolean isDisposed() {
            return done;
        }
    }
}

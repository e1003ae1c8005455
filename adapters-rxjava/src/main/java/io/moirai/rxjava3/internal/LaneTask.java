package io.moirai.rxjava3.internal;

import io.moirai.internal.util.VarHandles;
import io.reactivex.rxjava3.disposables.Disposable;
import io.reactivex.rxjava3.disposables.DisposableContainer;
import io.reactivex.rxjava3.schedulers.SchedulerRunnableIntrospection;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One task of a {@link LaneWorker}, queued on its scheduler's lane; it is also the {@link Disposable}
 * handed back to the caller, and is kept in its worker's container until it ends.
 *
 * <p><b>States</b> (field {@code onLane}, changed by CAS only): {@code null} (being scheduled) -&gt;
 * the lane's {@link ScheduledTask} -&gt; {@code FINISHED} (it ran) or {@code DISPOSED}; or
 * {@code null -> DISPOSED/FINISHED} directly when it is disposed, or runs, before the lane's task is
 * stored, in which case {@link #setOnLane} disposes that lane task or leaves it be. Disposing cancels
 * the lane's task (its timer, or its place in the lane's queue; a running compute task is not
 * interrupted) and removes this task from its worker's container. What the runnable throws passes to
 * the lane's {@link ScheduledTask}, which reports it to {@code RxJavaPlugins.onError}.
 *
 * <p><b>What {@link #isDisposed()} reports</b>, as RxJava's {@code ScheduledRunnable}: {@code false}
 * while waiting or running, {@code true} once it ended or was disposed (also by its worker).
 *
 * <p><b>Threads.</b> {@link #dispose()} and {@link #isDisposed()}: any thread; {@link #run()}: the lane.
 */
final class LaneTask implements Runnable, Disposable, SchedulerRunnableIntrospection {

    private static final Disposable FINISHED = Disposable.empty();
    private static final Disposable DISPOSED = Disposable.empty();
    private static final VarHandle ON_LANE = VarHandles.field(MethodHandles.lookup(), "onLane", Disposable.class);

    private final Runnable run;
    private final DisposableContainer parent;
    @SuppressWarnings("unused") // accessed through ON_LANE
    private volatile Disposable onLane;

    LaneTask(Runnable run, DisposableContainer parent) {
        this.run = run;
        this.parent = parent;
    }

    /** Stores the lane's task for this one; disposes it if this task was disposed meanwhile. */
    void setOnLane(Disposable d) {
        if (!ON_LANE.compareAndSet(this, null, d) && ON_LANE.getVolatile(this) == DISPOSED) {
            d.dispose();
        }
    }

    @Override
    public void run() {
        if (ON_LANE.getVolatile(this) == DISPOSED) {
            return;
        }
        try {
            run.run();
        } finally {
            for (;;) {
                Object o = ON_LANE.getVolatile(this);
                if (o == DISPOSED || ON_LANE.compareAndSet(this, o, FINISHED)) {
                    break;
                }
            }
            parent.delete(this);
        }
    }

    @Override
    public void dispose() {
        for (;;) {
            Disposable o = (Disposable) ON_LANE.getVolatile(this);
            if (o == DISPOSED || o == FINISHED) {
                return;
            }
            if (ON_LANE.compareAndSet(this, o, DISPOSED)) {
                if (o != null) {
                    o.dispose();
                }
                parent.delete(this);
                return;
            }
        }
    }

    @Override
    public boolean isDisposed() {
        Object o = ON_LANE.getVolatile(this);
        return o == DISPOSED || o == FINISHED;
    }

    @Override
    public Runnable getWrappedRunnable() {
        return run;
    }

    @Override
    public String toString() {
        Object o = ON_LANE.getVolatile(this);
        return "LaneTask[" + run + (o == FINISHED ? ", finished]" : o == DISPOSED ? ", disposed]" : "]");
    }
}

package io.moirai.internal.task;

import io.moirai.internal.io.IoDriver;
import io.moirai.internal.io.IoTimer;
import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.time.TimerEntry;
import io.moirai.internal.time.TimerWheel;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;

/**
 * A task that waits in an I/O driver's timer wheel: {@code delay} (no callable: completes with null)
 * and {@code schedule} (runs its callable on the compute workers once due). The handle is its own
 * wheel entry and its own driver command, so a pending timer is one object of about 56 bytes.
 *
 * <p><b>Lifecycle.</b> {@link #start()} hands the timer to its driver, which inserts it. When due,
 * the driver calls {@link #expire()}: a {@code schedule} task is submitted to the compute workers; a
 * {@code delay} completes right there if nobody observes it yet, or is submitted too, so observers'
 * code (subscribers, future stages) runs on a worker and not on the I/O thread. Cancelling marks the
 * task cancelled (the usual CAS) and hands it to the driver again without waking it
 * ({@link IoDriver#unschedule}), which removes it from the wheel at its next turn: applying the
 * command is idempotent (insert if live and not in the wheel, remove if finished).
 * A driver that stops abandons the timer: the task ends cancelled.
 *
 * <p>Threads: the link fields belong to the driver thread; the rest is {@link TaskCore}'s protocol.
 *
 * @param <T> the result type
 */
public final class TimerTask<T> extends TaskCore<T> implements IoTimer {

    private final IoDriver driver;
    private final long deadline;
    /** Null for a delay. Read by the driver before it submits the task; cleared by the runner. */
    private Callable<? extends T> callable;
    private TimerEntry prev;
    private TimerEntry next;
    private int index = UNSCHEDULED;

    /**
     * @param scheduler the runtime's compute scheduler
     * @param driver the driver whose wheel holds the timer
     * @param deadlineTick the tick at which it is due (see {@code Ticks})
     * @param callable the work to run when due, or null for a plain delay
     */
    public TimerTask(ComputeScheduler scheduler, IoDriver driver, long deadlineTick, Callable<? extends T> callable) {
        super(scheduler);
        this.driver = driver;
        this.deadline = deadlineTick;
        this.callable = callable;
    }

    /** Hands the timer to its driver. Call once, after construction. */
    public void start() {
        driver.schedule(this);
    }

    // ------------------------------------------------------------------ driver thread

    @Override
    public void apply(IoDriver d) {
        if (isFinished()) {
            d.removeTimer(this);
        } else if (!TimerWheel.isScheduled(this)) {
            d.insertTimer(this);
        }
    }

    @Override
    public void expire() {
        if (callable == null && !hasObservers()) {
            run(); // nobody to signal: completing here costs no hand-off
        } else {
            try {
                scheduler.submit(this);
            } catch (RejectedExecutionException shutDown) {
                abandon(); // the compute workers are gone: end cancelled like every pending task
            }
        }
    }

    // ------------------------------------------------------------------ task

    @Override
    public void run() {
        if (!claim()) {
            return;
        }
        Callable<? extends T> c = callable;
        callable = null;
        settleWith(c); // a delay has none: it completes with null
    }

    @Override
    void onTerminal() {
        if (isCancelled()) {
            if (driver.inLoop()) {
                driver.removeTimer(this);
            } else {
                driver.unschedule(this); // batched: the wheel lets go at the driver's next turn
            }
        }
    }

    // ------------------------------------------------------------------ wheel entry

    @Override
    public long timerDeadline() {
        return deadline;
    }

    @Override
    public TimerEntry timerPrev() {
        return prev;
    }

    @Override
    public void timerPrev(TimerEntry p) {
        prev = p;
    }

    @Override
    public TimerEntry timerNext() {
        return next;
    }

    @Override
    public void timerNext(TimerEntry n) {
        next = n;
    }

    @Override
    public int timerIndex() {
        return index;
    }

    @Override
    public void timerIndex(int i) {
        index = i;
    }
}

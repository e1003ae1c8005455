package io.moirai.internal.io;

import io.moirai.internal.flow.Demand;
import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.scheduler.ComputeScheduler;
import io.moirai.internal.scheduler.Job;
import io.moirai.internal.time.Ticks;
import io.moirai.internal.time.TimerEntry;
import io.moirai.internal.time.TimerWheel;
import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * {@code Moirai.interval}: a cold publisher that gives each subscriber its own periodic timer in an
 * I/O driver's wheel, at fixed rate from the subscription (tick {@code k} is due at
 * {@code start + (k + 1) * period}).
 *
 * <p>Threads: {@link #subscribe} from any thread. The subscription's timer belongs to its driver;
 * signals are emitted on the compute workers, serialized by a work-in-progress counter.
 */
public final class IntervalPublisher implements Publisher<Long> {

    private final IoGroup io;
    private final ComputeScheduler scheduler;
    private final long periodNanos;

    /**
     * @param io the runtime's I/O drivers
     * @param scheduler the compute workers, which emit the ticks
     * @param periodNanos the period, positive
     */
    public IntervalPublisher(IoGroup io, ComputeScheduler scheduler, long periodNanos) {
        this.io = io;
        this.scheduler = scheduler;
        this.periodNanos = periodNanos;
    }

    @Override
    public void subscribe(Subscriber<? super Long> subscriber) {
        Subscriptions.requireSubscriber(subscriber);
        IoDriver driver;
        try {
            driver = io.next();
        } catch (RejectedExecutionException shutDown) {
            Subscriptions.error(subscriber, shutDown);
            return;
        }
        Ticker t = new Ticker(subscriber, driver, scheduler, periodNanos);
        try {
            subscriber.onSubscribe(t);
        } catch (Throwable e) {
            driver.dropped().report(e); // §2.13: a throwing onSubscribe leaves the subscription unused
            return;
        }
        t.start();
    }

    /**
     * One subscriber's timer and subscription.
     *
     * <p><b>Protocol.</b> The driver fires the timer: if the subscriber has demand ({@code requested
     * > 0}) and no earlier tick waits to be emitted ({@code slot < 0}), the tick goes into
     * {@code slot} and a drain is signalled; otherwise it is dropped. Nothing else is ever buffered. The
     * drain (one at a time, by {@code wip}) runs on a compute worker: it emits the slot, then empties
     * it, so the driver never fills it while {@code onNext} runs. Errors ({@code §3.9}, shutdown) go
     * through the same drain. {@code cancel} sets {@code cancelled} and hands the timer to the driver,
     * which removes it at its next turn ({@link IoDriver#unschedule}).
     */
    static final class Ticker implements Subscription, IoTimer {

        private static final VarHandle REQUESTED = VarHandles.field(MethodHandles.lookup(), "requested", long.class);
        private static final VarHandle WIP = VarHandles.field(MethodHandles.lookup(), "wip", int.class);

        private final IoDriver driver;
        private final ComputeScheduler scheduler;
        private final long periodNanos;
        private Subscriber<? super Long> downstream;
        private volatile long requested;
        private volatile int wip;
        private volatile long slot = -1L;
        private volatile boolean cancelled;
        private volatile Throwable error;
        /** Driver thread: the start, the deadline, the links. */
        private long startNanos;
        private long deadline;
        private TimerEntry prev;
        private TimerEntry next;
        private int index = UNSCHEDULED;

        Ticker(Subscriber<? super Long> downstream, IoDriver driver, ComputeScheduler scheduler, long periodNanos) {
            this.downstream = downstream;
            this.driver = driver;
            this.scheduler = scheduler;
            this.periodNanos = periodNanos;
        }

        void start() {
            startNanos = System.nanoTime();
            deadline = Ticks.ceil(Ticks.deadlineNanos(startNanos, periodNanos));
            driver.schedule(this); // publishes startNanos and deadline to the driver
        }

        // -------------------------------------------------------------- subscription, any thread

        @Override
        public void request(long n) {
            if (!Demand.isValid(n)) {
                fail(Demand.invalidRequest(n)); // §3.9
                return;
            }
            Demand.add(REQUESTED, this, n);
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                driver.unschedule(this); // the driver removes the timer (§3.13: the drain drops the subscriber)
                signal();
            }
        }

        private void fail(Throwable e) {
            if (error == null) {
                error = e;
            }
            driver.unschedule(this);
            signal();
        }

        // -------------------------------------------------------------- driver thread

        @Override
        public void apply(IoDriver d) {
            if (cancelled || error != null) {
                d.removeTimer(this);
            } else if (!TimerWheel.isScheduled(this)) {
                d.insertTimer(this);
            }
        }

        @Override
        public void expire() {
            if (cancelled || error != null) {
                return;
            }
            long now = System.nanoTime();
            long periods = Math.max(1L, (now - startNanos) / periodNanos); // >= 1: never early
            if (requested > 0L && slot < 0L) {
                slot = periods - 1; // the latest tick that passed; missed ones are dropped
                signal();
            }
            long nextDelay = periods >= Long.MAX_VALUE / periodNanos ? Long.MAX_VALUE : (periods + 1) * periodNanos;
            deadline = Ticks.ceil(Ticks.deadlineNanos(startNanos, nextDelay));
            driver.insertTimer(this);
        }

        @Override
        public boolean abandon() {
            // the driver is gone: no command to hand over (that would come straight back here)
            if (error == null) {
                error = new CancellationException("the runtime shut down");
            }
            signal();
            return true;
        }

        // -------------------------------------------------------------- emission

        private void signal() {
            if ((int) WIP.getAndAdd(this, 1) == 0) {
                Emit e = new Emit(this);
                try {
                    scheduler.submit(e);
                } catch (RejectedExecutionException shutDown) {
                    e.abandon(); // emits the end here, still serialized by wip
                }
            }
        }

        void drain() {
            int missed = 1;
            for (;;) {
                Subscriber<? super Long> s = downstream;
                if (s != null) {
                    if (cancelled) {
                        downstream = null;
                    } else if (error != null) {
                        downstream = null;
                        cancelled = true;
                        deliverError(s, error);
                    } else {
                        long v = slot;
                        if (v >= 0L && requested > 0L) {
                            try {
                                s.onNext(v);
                                Demand.produced(REQUESTED, this, 1L);
                            } catch (Throwable t) {
                                // §2.13: the subscriber is broken; stop its timer
                                downstream = null;
                                cancelled = true;
                                driver.unschedule(this);
                                driver.dropped().report(t);
                            }
                        }
                        slot = -1L;
                    }
                }
                missed = (int) WIP.getAndAdd(this, -missed) - missed;
                if (missed == 0) {
                    return;
                }
            }
        }

        private void deliverError(Subscriber<? super Long> s, Throwable e) {
            try {
                s.onError(e);
            } catch (Throwable t) {
                driver.dropped().report(t);
            }
        }

        // -------------------------------------------------------------- wheel entry

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

    /** One drain of a ticker on a compute worker; a shutdown runs it where it finds it. */
    static final class Emit extends Job {

        private final Ticker ticker;

        Emit(Ticker ticker) {
            super(ticker.scheduler);
            this.ticker = ticker;
        }

        @Override
        public void run() {
            if (casState(NEW, 1)) {
                try {
                    ticker.drain();
                } finally {
                    ended();
                }
            }
        }

        @Override
        public boolean abandon() {
            if (casState(NEW, 1)) {
                try {
                    ticker.error = new CancellationException("the runtime shut down");
                    ticker.drain();
                } finally {
                    ended();
                }
                return true;
            }
            return false;
        }
    }
}

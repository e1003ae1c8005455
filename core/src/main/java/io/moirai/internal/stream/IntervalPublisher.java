package io.moirai.internal.stream;

import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.io.IoDriver;
import io.moirai.internal.io.IoTimer;
import io.moirai.internal.runtime.RuntimeCore;
import io.moirai.internal.time.Ticks;
import io.moirai.internal.time.TimerEntry;
import io.moirai.internal.time.TimerWheel;
import java.util.concurrent.RejectedExecutionException;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;

/**
 * {@code Moirai.interval}: a cold publisher that gives each subscriber its own periodic timer in an
 * I/O driver's wheel, at fixed rate from the subscription (tick {@code k} is due at
 * {@code start + (k + 1) * period}).
 *
 * <p>Threads: {@link #subscribe} from any thread. The subscription's timer belongs to its driver;
 * signals are emitted by the stream's drain ({@link SerialDrain}) on the compute workers.
 */
public final class IntervalPublisher implements Publisher<Long> {

    private final RuntimeCore runtime;
    private final long periodNanos;

    /**
     * @param runtime the runtime whose I/O drivers time the ticks and whose workers emit them
     * @param periodNanos the period, positive
     */
    public IntervalPublisher(RuntimeCore runtime, long periodNanos) {
        this.runtime = runtime;
        this.periodNanos = periodNanos;
    }

    @Override
    public void subscribe(Subscriber<? super Long> subscriber) {
        Subscriptions.requireSubscriber(subscriber);
        IoDriver driver;
        try {
            driver = runtime.io().next();
        } catch (RejectedExecutionException shutDown) {
            Subscriptions.error(subscriber, shutDown);
            return;
        }
        Ticker t = DrainSubscription.subscribe(runtime, subscriber, rt -> new Ticker(rt, driver, periodNanos, subscriber));
        if (t != null) {
            t.start();
        }
    }

    @Override
    public String toString() {
        return "Moirai.interval(" + periodNanos + " ns)";
    }

    /**
     * One subscriber's timer and subscription: demand, cancel, §3.9 and shutdown are the
     * {@link DrainSubscription}'s; the drain emits.
     *
     * <p><b>Protocol.</b> The driver fires the timer and works out which ticks have come due since the
     * start (tick {@code k} at {@code start + (k + 1) * period}, however late the firing). If the
     * subscriber has demand, every tick up to the latest that passed may be emitted ({@code due}); if it
     * has none, every tick that passed is dropped ({@code floor}). The drain emits the ticks from its own
     * next number (raised to {@code floor}) up to {@code due}, in order and as far as demand allows. So
     * a subscriber with enough demand gets 0, 1, 2, ... without a gap even when a firing or the drain
     * runs late (the missed ticks come back to back, as a fixed-rate executor catches up), and a tick
     * that finds no demand is dropped; nothing is buffered but two numbers. When the stream ends
     * (cancel, §3.9, shutdown, a broken subscriber) the drain hands the timer to the driver, which
     * removes it at its next turn ({@link IoDriver#unschedule}); the driver re-arms a timer only while
     * the stream has not ended.
     */
    static final class Ticker extends DrainSubscription<Long> implements IoTimer {

        private final IoDriver driver;
        private final long periodNanos;
        /** Driver writes, drain reads: the latest tick that came due while there was demand, or -1. */
        private volatile long due = -1L;
        /** Driver writes, drain reads: ticks below it came due without demand and are dropped. */
        private volatile long floor;
        /** Drain only: the number of the next tick to emit. */
        private long nextTick;
        /** Driver thread (published to it by {@link IoDriver#schedule}): the start, the deadline, the links. */
        private long startNanos;
        private long deadline;
        private TimerEntry prev;
        private TimerEntry next;
        private int index = UNSCHEDULED;

        Ticker(RuntimeCore runtime, IoDriver driver, long periodNanos, Subscriber<? super Long> downstream) {
            super(runtime, downstream);
            this.driver = driver;
            this.periodNanos = periodNanos;
        }

        void start() {
            startNanos = System.nanoTime();
            deadline = Ticks.ceil(Ticks.deadlineNanos(startNanos, periodNanos));
            driver.schedule(this); // publishes startNanos and deadline to the driver
        }

        private boolean ended() {
            return isDone() || isCancelled() || mustStop();
        }

        // -------------------------------------------------------------- driver thread

        @Override
        public void apply(IoDriver d) {
            if (ended()) {
                d.removeTimer(this);
            } else if (!TimerWheel.isScheduled(this)) {
                d.insertTimer(this);
            }
        }

        @Override
        public void expire() {
            if (ended()) {
                return;
            }
            long now = System.nanoTime();
            long periods = Math.max(1L, (now - startNanos) / periodNanos); // >= 1: never early
            if (requested() > 0L) {
                due = periods - 1; // ticks 0 .. periods - 1 have passed: the drain emits what demand allows
                signal();
            } else {
                floor = periods; // they found no demand: dropped
            }
            long nextDelay = periods >= Long.MAX_VALUE / periodNanos ? Long.MAX_VALUE : (periods + 1) * periodNanos;
            deadline = Ticks.ceil(Ticks.deadlineNanos(startNanos, nextDelay));
            driver.insertTimer(this);
        }

        @Override
        public boolean abandon() {
            // the driver stopped: end the stream as a shutdown does (the drain signals the error)
            shutDown();
            signal();
            return true;
        }

        // -------------------------------------------------------------- drain

        @Override
        boolean drain(int budget) {
            if (isDone()) {
                return false;
            }
            if (isCancelled()) {
                end(null, false); // §3.13: drop the subscriber
                return false;
            }
            Throwable stop = stopError();
            if (stop != null) {
                end(stop, true);
                return false;
            }
            long n = Math.max(nextTick, floor);
            long last = due;
            int emitted = 0;
            while (n <= last && requested() > 0L) {
                if (emitted == budget) {
                    nextTick = n;
                    return true; // more ticks are due: the runner comes back
                }
                try {
                    downstream().onNext(n);
                } catch (Throwable t) {
                    scheduler.dropped().report(t); // §2.13: the subscriber is broken; stop its timer
                    markCancelled();
                    end(null, false);
                    return false;
                }
                produced(1L);
                n++;
                emitted++;
                if (isCancelled() || mustStop()) {
                    break; // the loop's next turn ends the stream
                }
            }
            nextTick = n;
            return false;
        }

        @Override
        boolean hasWork() {
            return !isDone() && (isCancelled() || mustStop()
                    || (due >= Math.max(nextTick, floor) && requested() > 0L));
        }

        /** Ticks come a period apart: an idle drain does not poll for the next one. */
        @Override
        boolean pollsForWork() {
            return false;
        }

        /** The stream ended: the driver lets go of the timer at its next turn. */
        @Override
        void release() {
            driver.unschedule(this);
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
}

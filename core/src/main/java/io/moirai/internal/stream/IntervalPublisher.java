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
     * <p><b>Protocol.</b> The driver fires the timer: if the subscriber has demand and no earlier tick
     * waits to be emitted ({@code slot < 0}), the tick goes into {@code slot} and the drain is
     * signalled; otherwise it is dropped. Nothing else is ever buffered. The drain emits the slot, then
     * empties it, so the driver never fills it while {@code onNext} runs. When the stream ends
     * (cancel, §3.9, shutdown, a broken subscriber) the drain hands the timer to the driver, which
     * removes it at its next turn ({@link IoDriver#unschedule}); the driver re-arms a timer only while
     * the stream has not ended.
     */
    static final class Ticker extends DrainSubscription<Long> implements IoTimer {

        private final IoDriver driver;
        private final long periodNanos;
        /** The tick waiting to be emitted, or -1: the driver fills it, the drain empties it. */
        private volatile long slot = -1L;
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
            if (requested() > 0L && slot < 0L) {
                slot = periods - 1; // the latest tick that passed; missed ones are dropped
                signal();
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
            long v = slot;
            if (v >= 0L && requested() > 0L) {
                try {
                    downstream().onNext(v);
                } catch (Throwable t) {
                    scheduler.dropped().report(t); // §2.13: the subscriber is broken; stop its timer
                    markCancelled();
                    end(null, false);
                    return false;
                }
                produced(1L);
            }
            slot = -1L;
            return false;
        }

        @Override
        boolean hasWork() {
            return !isDone() && (isCancelled() || mustStop() || slot >= 0L);
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

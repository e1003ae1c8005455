package io.moirai.internal.io;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.internal.util.DroppedErrors;
import io.moirai.internal.time.Ticks;
import io.moirai.internal.time.TimerEntry;
import io.moirai.internal.time.TimerWheel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How an {@link IoDriver} batches timer hand-overs: a cancelled timer is handed over without a
 * wake-up, and a sleeping driver is woken once {@link IoDriver#TIMER_BATCH} hand-overs have queued up,
 * so what it holds while it sleeps stays bounded. Every timer here is due in an hour, so without the
 * batch wake-up the driver would sleep past the test's timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IoDriverTimerBatchTest {

    private static final long HOUR_TICKS = TimeUnit.HOURS.toNanos(1) / Ticks.NANOS;

    private final AtomicInteger removals = new AtomicInteger();
    private IoDriver driver;

    @BeforeEach
    void start() {
        driver = new IoDriver("batch-test-io", new DroppedErrors(e -> { }));
        driver.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        driver.shutdown();
        driver.thread().join(TimeUnit.SECONDS.toMillis(10));
    }

    @Test
    void aSleepingDriverIsWokenOnceABatchOfHandOversHasQueuedUp() throws Exception {
        int n = 3 * IoDriver.TIMER_BATCH;
        List<FarTimer> timers = new ArrayList<>();
        CountDownLatch inserted = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            FarTimer t = new FarTimer(inserted);
            timers.add(t);
            driver.schedule(t); // due after the first: only the first and each full batch wake the driver
        }
        eventually(WAIT, () -> inserted.getCount() <= IoDriver.TIMER_BATCH,
                () -> (n - inserted.getCount()) + " of " + n + " timers inserted, at most a batch may wait");
        eventually(WAIT, () -> driver.pendingTimers() == n, () -> "pendingTimers " + driver.pendingTimers());
        assertThat(inserted.await(10, TimeUnit.SECONDS)).as("every timer inserted once polled").isTrue();

        for (FarTimer t : timers) {
            t.cancelled = true;
            driver.unschedule(t); // no wake-up of its own, but for each full batch
        }
        eventually(WAIT, () -> removals.get() >= n - IoDriver.TIMER_BATCH,
                () -> removals.get() + " of " + n + " timers removed, at most a batch may wait");
        eventually(WAIT, () -> driver.pendingTimers() == 0, () -> "pendingTimers " + driver.pendingTimers());
        assertThat(removals.get()).isEqualTo(n);
    }

    @Test
    void pendingTimersCountsQueuedHandOversAndSettlesWhenPolled() throws Exception {
        CountDownLatch inserted = new CountDownLatch(1);
        FarTimer t = new FarTimer(inserted);
        driver.schedule(t);
        assertThat(inserted.await(10, TimeUnit.SECONDS)).isTrue();
        // the figure is the wheel's size as of the driver's last turn: the insert is counted once that turn ends
        eventually(WAIT, () -> driver.pendingTimers() == 1, () -> "pendingTimers " + driver.pendingTimers());

        t.cancelled = true;
        driver.unschedule(t); // one hand-over: far below a batch, so only the poll below wakes the driver
        eventually(WAIT, () -> driver.pendingTimers() == 0, () -> "pendingTimers " + driver.pendingTimers());
        assertThat(removals.get()).isEqualTo(1);
    }

    /** A timer an hour away; its removal is counted. Fields other than {@code cancelled} belong to the driver. */
    private final class FarTimer implements IoTimer {
        private final CountDownLatch inserted;
        private final long deadline = Ticks.now() + HOUR_TICKS;
        volatile boolean cancelled;
        private TimerEntry prev;
        private TimerEntry next;
        private int index = UNSCHEDULED;

        FarTimer(CountDownLatch inserted) {
            this.inserted = inserted;
        }

        @Override
        public void apply(IoDriver d) {
            if (cancelled) {
                if (TimerWheel.isScheduled(this)) {
                    d.removeTimer(this);
                    removals.incrementAndGet();
                }
            } else if (!TimerWheel.isScheduled(this)) {
                d.insertTimer(this);
                inserted.countDown();
            }
        }

        @Override
        public void expire() {
            throw new AssertionError("an hour-long timer fired");
        }

        @Override
        public boolean abandon() {
            return false;
        }

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

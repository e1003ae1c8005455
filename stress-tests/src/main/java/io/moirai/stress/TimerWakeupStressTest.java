package io.moirai.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/**
 * New timers wake the I/O driver only when due before the tick it sleeps towards ({@code IoDriver.schedule}):
 * the producer enqueues, fences and reads the driver's published wake-up tick; the driver publishes it
 * and looks at the queues once more before it blocks. The runtime's wheel always holds a one-hour timer,
 * so the driver never sleeps without a deadline, and every submission below races with it going to
 * sleep towards one. Termination mode: {@code STALE} (forbidden) means a timer waited in the queue of a
 * driver that slept past its deadline.
 */
public final class TimerWakeupStressTest {

    static final Moirai RUNTIME = StressSupport.runtime("timer-wakeup", 1);
    /** Keeps the wheel non-empty: the driver always sleeps towards some tick. */
    static final TaskHandle<Void> FAR = RUNTIME.delay(Duration.ofHours(1));

    private TimerWakeupStressTest() {}

    @JCStressTest(Mode.Termination)
    @Description("a timer due before the tick the sleeping driver waits for wakes it and fires")
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the second delay fired")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "the driver slept on towards the one-hour timer")
    @State
    public static class EarlierTimerWakesTheDriver {
        @Actor
        public void actor() {
            IoDriverWakeupStressTest.joinInActor(RUNTIME.delay(Duration.ofNanos(1)));
            IoDriverWakeupStressTest.joinInActor(RUNTIME.delay(Duration.ofNanos(1)));
        }

        @Signal
        public void signal() {
            // nothing to signal: the actor ends by itself unless a wake-up was lost
        }
    }

    @JCStressTest(Mode.Termination)
    @Description("a timer due after the tick the driver sleeps towards is inserted at that wake-up and fires")
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the later delay fired")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "the later delay was never inserted")
    @State
    public static class LaterTimerWaitsForTheWakeUp {
        @Actor
        public void actor() {
            TaskHandle<Void> sooner = RUNTIME.delay(Duration.ofMillis(1));
            TaskHandle<Void> later = RUNTIME.delay(Duration.ofMillis(3));
            IoDriverWakeupStressTest.joinInActor(later);
            IoDriverWakeupStressTest.joinInActor(sooner);
        }

        @Signal
        public void signal() {
            // nothing to signal
        }
    }
}

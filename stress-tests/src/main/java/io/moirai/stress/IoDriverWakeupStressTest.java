package io.moirai.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.moirai.Moirai;
import io.moirai.internal.io.IoCommand;
import io.moirai.internal.io.IoDriver;
import io.moirai.internal.util.DroppedErrors;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The I/O driver's asleep/awake flag ({@code IoDriver.nextWakeup}) versus {@code wakeup()}: the loop
 * publishes its wake-up tick and looks at its command queue once more before it blocks in
 * {@code select}; a producer enqueues, swaps the flag to {@code AWAKE} and calls
 * {@code Selector.wakeup()} only if the loop was asleep. Either the loop sees the command or the
 * producer sees the sleeper: a command (a timer, a registration, an interest change) handed over while
 * the driver goes to sleep is applied without waiting for a timeout, and with no timer pending there is
 * no timeout at all, so a lost wake-up would leave it unapplied for good.
 *
 * <p>One test drives an {@link IoDriver} directly with bare commands (its queue is what registrations
 * and interest changes go through); the others use the runtime's timers through the public API.
 * "Eventually applied" is expressed with jcstress's termination mode: the actor blocks until its
 * command ran, and jcstress reports {@code STALE} (forbidden) if it is still blocked after 30 s.
 */
public final class IoDriverWakeupStressTest {

    static final Moirai RUNTIME = StressSupport.runtime("io", 1);
    static final IoDriver DRIVER = new IoDriver("stress-io-driver", new DroppedErrors(null));

    static {
        DRIVER.start();
    }

    private IoDriverWakeupStressTest() {}

    /** A command that opens a latch when the driver applies it. */
    static final class Probe implements IoCommand {
        final CountDownLatch applied = new CountDownLatch(1);

        @Override
        public void apply(IoDriver driver) {
            applied.countDown();
        }

        @Override
        public boolean abandon() {
            return false;
        }

        /** Waits far beyond jcstress's 30 s STALE verdict, so a lost wake-up shows as STALE. */
        void awaitApplied() {
            try {
                if (!applied.await(60, TimeUnit.SECONDS)) {
                    throw new AssertionError("command not applied within 60 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The first command wakes the driver, which applies it and goes back to sleep (no timers: an
     * untimed {@code select}); the second is handed over while it does.
     */
    @JCStressTest(Mode.Termination)
    @Description("a command handed to IoDriver.execute while the driver goes to sleep is applied")
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the second command was applied: the sleeping driver was woken")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "the second command was never applied: lost wake-up")
    @State
    public static class CommandWhileDriverSleeps {
        @Actor
        public void actor() {
            Probe first = new Probe();
            DRIVER.execute(first);
            first.awaitApplied();
            Probe second = new Probe();
            DRIVER.execute(second);
            second.awaitApplied();
        }

        @Signal
        public void signal() {
            // nothing to signal: the actor ends by itself unless a wake-up was lost
        }
    }

    /** Waits for a handle in a termination-mode actor, bounded beyond the STALE verdict. */
    static void joinInActor(TaskHandle<?> h) {
        try {
            h.join(Duration.ofSeconds(60));
        } catch (TimeoutException e) {
            throw new AssertionError("timer did not fire within 60 s", e);
        }
    }

    /**
     * Through the public API: a timer scheduled right after the previous one fired, so its insertion
     * command reaches the driver while it goes to sleep with an empty wheel.
     */
    @JCStressTest(Mode.Termination)
    @Description("a timer scheduled while the I/O driver goes to sleep with an empty wheel fires")
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the second delay fired")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "the second delay never fired: its command waited in the queue of a sleeping driver")
    @State
    public static class TimerWhileDriverSleeps {
        @Actor
        public void actor() {
            joinInActor(RUNTIME.delay(Duration.ofNanos(1)));
            joinInActor(RUNTIME.delay(Duration.ofNanos(1)));
        }

        @Signal
        public void signal() {
            // nothing to signal: the actor ends by itself unless a wake-up was lost
        }
    }

    /** Two threads schedule timers at once (two producers racing for the flag). */
    @JCStressTest
    @Description("two timers scheduled from two threads at once both fire")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "both delays fired")
    @Outcome(expect = FORBIDDEN, desc = "a delay did not fire within the wait (-1): lost wake-up")
    @State
    public static class TwoSchedulers {
        volatile TaskHandle<Void> first;
        volatile TaskHandle<Void> second;

        @Actor
        public void scheduler1() {
            first = RUNTIME.delay(Duration.ofNanos(1));
        }

        @Actor
        public void scheduler2() {
            second = RUNTIME.delay(Duration.ofNanos(1));
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = StressSupport.join(first);
            r.r2 = StressSupport.join(second);
        }
    }
}

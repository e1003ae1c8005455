package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.task.TaskHandle;
import java.time.Duration;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * Verifies the timer handles, {@link Moirai#delay} and {@link Moirai#schedule}, as Reactive Streams
 * {@link Publisher}s with the Reactive Streams TCK. A timer handle is a task handle that is still
 * pending when the TCK subscribes ({@link #TIMER_DELAY} is long enough for that) and whose outcome
 * reaches the subscribers from a compute worker after the I/O thread's timer wheel fired:
 * <ul>
 *   <li>{@code createPublisher(0)} is {@code delay(TIMER_DELAY)}: no element, {@code onComplete}
 *       alone once the timer fired (a {@code Void} handle can signal nothing else, §2.13 forbids a
 *       null element, so it is safely typed as a publisher of {@code Integer} here);</li>
 *   <li>{@code createPublisher(1)} is {@code schedule(TIMER_DELAY, () -> 42)}: one element;</li>
 *   <li>{@code createFailedPublisher()} is {@code schedule(TIMER_DELAY, task)} whose task throws:
 *       {@code onError} with the task's error, without demand (§1.4).</li>
 * </ul>
 * One runtime with two compute workers serves the whole class.
 *
 * <p><b>Skipped TCK tests</b>: the same 26 of 38 as for every task handle, for the same reason (a
 * handle emits at most one element, {@link #maxElementsFromPublisher()} is 1); see
 * {@link TaskHandlePublisherVerification} for the list.
 */
public class DelayTckTest extends PublisherVerification<Integer> {

    /** How long every verified timer waits; the TCK subscribes well within it. */
    static final Duration TIMER_DELAY = Duration.ofMillis(50);

    private Moirai moirai;

    /** Creates the verification with this module's {@linkplain TckSettings timeouts}. */
    public DelayTckTest() {
        super(TckSettings.newEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime the class's timers run on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("tck-delay").build();
    }

    /** Closes the runtime. */
    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        if (moirai != null) {
            moirai.close();
        }
    }

    @Override
    public Publisher<Integer> createPublisher(long elements) {
        return timer(moirai, elements);
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return failedTimer(moirai);
    }

    /** The timer handle for {@code elements} (0 or 1) elements; shared with the Flow variant. */
    static Publisher<Integer> timer(Moirai moirai, long elements) {
        if (elements == 0) {
            return withoutElements(moirai.delay(TIMER_DELAY));
        }
        if (elements == 1) {
            return moirai.schedule(TIMER_DELAY, () -> TaskHandles.VALUE);
        }
        throw new IllegalArgumentException("a timer handle emits at most 1 element, the TCK asked for " + elements);
    }

    /** A timer handle whose task fails; shared with the Flow variant. */
    static Publisher<Integer> failedTimer(Moirai moirai) {
        return moirai.schedule(TIMER_DELAY, () -> {
            throw new IllegalStateException("TCK: the scheduled task failed on purpose");
        });
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }

    /**
     * @param handle a handle that can only complete or fail, never emit an element
     * @return the same handle, typed as the class's publisher
     */
    @SuppressWarnings("unchecked")
    private static Publisher<Integer> withoutElements(TaskHandle<Void> handle) {
        return (Publisher<Integer>) (Publisher<?>) handle;
    }
}

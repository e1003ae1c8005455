package io.moirai.tck;

import io.moirai.Moirai;
import java.time.Duration;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link Moirai#interval} as a Reactive Streams {@link Publisher} with the Reactive Streams
 * TCK, at a period of {@link #PERIOD} (the timer wheel's resolution, so ticks are as frequent as the
 * runtime makes them, fired by the I/O thread and emitted on the compute workers).
 *
 * <p><b>How an infinite publisher is given to the TCK.</b> {@code interval} never completes, while
 * the TCK needs {@code onComplete} for six of its tests (§1.2, §1.3's stochastic test, §1.5, §3.17
 * and the two {@code createPublisher*MustProduceAStreamOfExactly*} tests) and skips all of them when
 * {@link #maxElementsFromPublisher()} says {@code Long.MAX_VALUE}. So {@code createPublisher(n)} is
 * the first {@code n} ticks through {@link Take}, a pass-through wrapper whose only own behaviour is
 * to cancel the timer after the {@code n}-th tick and complete; every request (including invalid and
 * overflowing demand), cancellation and element still reaches or comes from the interval's own
 * subscription, and {@code subscribe(null)} reaches the interval itself. The TCK therefore verifies
 * the interval's demand handling (§1.1, §3.9, §3.17), serial signalling from changing worker
 * threads (§1.3, 100 runs of 10 ticks), recursion safety (§3.3), cancellation (§3.6, §3.7, §3.12)
 * and that a cancelled subscription releases its subscriber (§3.13: the timer must leave the
 * wheel); only the final {@code onComplete} is the wrapper's.
 *
 * <p>One runtime with two compute workers serves the whole class.
 *
 * <p><b>Skipped TCK tests</b> (10 to 12 of 38, observed; none for a failure):
 * {@code optional_spec104_mustSignalOnErrorWhenFails} and
 * {@code required_spec109_mayRejectCallsToSubscribeIfPublisherIsUnableOrUnwillingToServeThemRejectionMustTriggerOnErrorAfterOnSubscribe}
 * because an interval has no failed form a test could create ({@link #createFailedPublisher()}
 * returns {@code null}; only a runtime shutdown fails it, and that would end the class's runtime);
 * the seven {@code untested_*} tests, which skip for every publisher ("Not verified by this TCK.").
 * Of the three optional §1.11 {@code multicast_*} tests, which expect every subscriber to see the
 * same tick numbers, one to three (it depends on timing) skip as "does NOT implement this OPTIONAL
 * requirement": each subscriber has its own timer and a tick that finds it without demand is
 * dropped by design, so subscribers that request at different moments see different numbers.
 */
public class IntervalPublisherTckTest extends PublisherVerification<Long> {

    /** The period of every verified interval. */
    static final Duration PERIOD = Duration.ofMillis(1);

    private Moirai moirai;

    /** Creates the verification with this module's {@linkplain TckSettings timeouts}. */
    public IntervalPublisherTckTest() {
        super(TckSettings.newEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime the class's intervals tick on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("tck-interval").build();
    }

    /** Closes the runtime. */
    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        if (moirai != null) {
            moirai.close();
        }
    }

    @Override
    public Publisher<Long> createPublisher(long elements) {
        return new Take<>(moirai.interval(PERIOD), elements);
    }

    @Override
    public Publisher<Long> createFailedPublisher() {
        return null;
    }
}

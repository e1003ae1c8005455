package io.moirai.tck;

import io.moirai.Moirai;
import java.util.concurrent.Flow;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link Moirai#interval} seen as a {@link java.util.concurrent.Flow.Publisher} through
 * {@link FlowAdapters#toFlowPublisher} with the Flow TCK ({@link FlowPublisherVerification}), so
 * that JDK {@code Flow} users of an interval get the same guarantees as Reactive Streams users. The
 * publishers are those of {@link IntervalPublisherTckTest} (the first {@code n} ticks of a
 * {@linkplain IntervalPublisherTckTest#PERIOD 1 ms} interval through the pass-through {@link Take}),
 * seen through {@link FlowViews#flowView} so that the TCK's subscribers really reach the interval
 * through the {@code Flow} adapters. One runtime with two compute workers serves the whole class.
 *
 * <p><b>Skipped TCK tests</b>: the same as in {@link IntervalPublisherTckTest}, for the same reasons.
 */
public class IntervalFlowPublisherTckTest extends FlowPublisherVerification<Long> {

    private Moirai moirai;

    /** Creates the verification with this module's {@linkplain TckSettings timeouts}. */
    public IntervalFlowPublisherTckTest() {
        super(TckSettings.newEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime the class's intervals tick on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("tck-interval-flow").build();
    }

    /** Closes the runtime. */
    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        if (moirai != null) {
            moirai.close();
        }
    }

    @Override
    public Flow.Publisher<Long> createFlowPublisher(long elements) {
        return FlowViews.flowView(new Take<>(moirai.interval(IntervalPublisherTckTest.PERIOD), elements));
    }

    @Override
    public Flow.Publisher<Long> createFailedFlowPublisher() {
        return null;
    }
}

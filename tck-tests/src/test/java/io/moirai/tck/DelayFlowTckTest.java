package io.moirai.tck;

import io.moirai.Moirai;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * Verifies the timer handles ({@link Moirai#delay}, {@link Moirai#schedule}) seen as
 * {@link Flow.Publisher}s through {@code FlowAdapters} with the Flow TCK: the same publishers as
 * {@link DelayTckTest} (a pending {@code delay} for no element, a pending {@code schedule} for one, a
 * failing scheduled task for the failed publisher). One runtime with two compute workers serves the
 * whole class.
 *
 * <p><b>Skipped TCK tests</b>: the same 26 of 38 as {@link DelayTckTest}, for the same reason (a
 * handle emits at most one element).
 */
public class DelayFlowTckTest extends FlowPublisherVerification<Integer> {

    private Moirai moirai;

    /** Creates the verification with this module's {@linkplain TckSettings timeouts}. */
    public DelayFlowTckTest() {
        super(TckSettings.newEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime the class's timers run on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("tck-delay-flow").build();
    }

    /** Closes the runtime. */
    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        if (moirai != null) {
            moirai.close();
        }
    }

    @Override
    public Flow.Publisher<Integer> createFlowPublisher(long elements) {
        return FlowViews.flowView(DelayTckTest.timer(moirai, elements));
    }

    @Override
    public Flow.Publisher<Integer> createFailedFlowPublisher() {
        return FlowViews.flowView(DelayTckTest.failedTimer(moirai));
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }
}

package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.stream.Streams;
import java.util.concurrent.Flow;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link Streams#fromIterable} seen as a {@link java.util.concurrent.Flow.Publisher}
 * through {@link FlowAdapters#toFlowPublisher} with the Flow TCK ({@link FlowPublisherVerification}),
 * so that JDK {@code Flow} users of it get the same guarantees as Reactive Streams users. The
 * publishers are those of {@link FromIterablePublisherTckTest} ({@code fromIterable} of a lazy
 * {@link IntRange} of {@code n} integers; the failed one iterates an iterable whose
 * {@code iterator()} throws), seen through {@link FlowViews#flowView} so that the TCK's subscribers
 * really reach the publisher through the {@code Flow} adapters. One runtime with two compute
 * workers serves the whole class.
 *
 * <p><b>Skipped TCK tests</b>: the same as in {@link FromIterablePublisherTckTest}, for the same
 * reasons.
 */
public class FromIterableFlowPublisherTckTest extends FlowPublisherVerification<Integer> {

    private Moirai moirai;

    /** Creates the verification with this module's {@linkplain TckSettings timeouts}. */
    public FromIterableFlowPublisherTckTest() {
        super(TckSettings.newEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime the class's publishers emit on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("tck-from-iterable-flow").build();
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
        return FlowViews.flowView(Streams.fromIterable(moirai, new IntRange(elements)));
    }

    @Override
    public Flow.Publisher<Integer> createFailedFlowPublisher() {
        return FlowViews.flowView(Streams.fromIterable(moirai, FromIterablePublisherTckTest.failingIterable()));
    }
}

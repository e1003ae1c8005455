package io.moirai.tck;

import io.moirai.Moirai;
import io.moirai.stream.Streams;
import java.util.concurrent.Flow;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link Streams#parallelMap} seen as a {@link java.util.concurrent.Flow.Publisher}
 * through {@link FlowAdapters#toFlowPublisher} with the Flow TCK ({@link FlowPublisherVerification}),
 * so that JDK {@code Flow} users of it get the same guarantees as Reactive Streams users. The
 * publishers are those of {@link ParallelMapPublisherTckTest} ({@code x -> x * 2} with parallelism 4
 * over {@code fromIterable} of {@code n} integers; the failed one maps a channel receiver failed
 * beforehand), seen through {@link FlowViews#flowView} so that the TCK's subscribers really reach
 * the operator through the {@code Flow} adapters. One runtime with two compute workers serves the
 * whole class.
 *
 * <p><b>Skipped TCK tests</b>: the same as in {@link ParallelMapPublisherTckTest}, for the same
 * reasons.
 */
public class ParallelMapFlowPublisherTckTest extends FlowPublisherVerification<Integer> {

    private Moirai moirai;

    /** Creates the verification with this module's {@linkplain TckSettings timeouts}. */
    public ParallelMapFlowPublisherTckTest() {
        super(TckSettings.newEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime the class's mappers run on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix("tck-parallel-map-flow").build();
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
        return FlowViews.flowView(ParallelMapPublisherTckTest.doubled(
                moirai, Streams.fromIterable(moirai, new IntRange(elements))));
    }

    @Override
    public Flow.Publisher<Integer> createFailedFlowPublisher() {
        return FlowViews.flowView(ParallelMapPublisherTckTest.doubled(moirai, Channels.failedReceiver(moirai)));
    }
}

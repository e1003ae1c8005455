package io.moirai.tck;

import io.moirai.stream.Channel;
import java.util.concurrent.Flow;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link Channel#receiver()} seen as a {@link java.util.concurrent.Flow.Publisher} through
 * {@link FlowAdapters#toFlowPublisher} with the Flow TCK ({@link FlowPublisherVerification}), so
 * that JDK {@code Flow} users of a channel get the same guarantees as Reactive Streams users. The
 * publishers are those of {@link ChannelReceiverPublisherTckTest} (the receiver of a 16-item channel
 * that a producer feeds with {@code n} items through {@code send}, then closes; the failed one is the
 * receiver of a channel failed beforehand), seen through {@link FlowViews#flowView} so that the
 * TCK's subscribers really reach the channel through the {@code Flow} adapters. The producers of a
 * test are stopped after it; one runtime with two compute workers serves the whole class
 * ({@link Channels}).
 *
 * <p><b>Skipped TCK tests</b>: the same as in {@link ChannelReceiverPublisherTckTest}, for the same
 * reasons.
 */
public class ChannelReceiverFlowPublisherTckTest extends FlowPublisherVerification<Integer> {

    private Channels channels;

    /** Creates the verification with this module's {@linkplain TckSettings timeouts}. */
    public ChannelReceiverFlowPublisherTckTest() {
        super(TckSettings.newEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime the class's channels run on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        channels = new Channels("channel-receiver-flow");
    }

    /** Stops the producers of the test that just ran. */
    @AfterMethod(alwaysRun = true)
    public void stopProducers() {
        if (channels != null) {
            channels.stopProducers();
        }
    }

    /** Closes the runtime. */
    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        if (channels != null) {
            channels.close();
        }
    }

    @Override
    public Flow.Publisher<Integer> createFlowPublisher(long elements) {
        return FlowViews.flowView(channels.receiverOf(elements));
    }

    @Override
    public Flow.Publisher<Integer> createFailedFlowPublisher() {
        return FlowViews.flowView(Channels.failedReceiver(channels.moirai()));
    }
}

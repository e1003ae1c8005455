package io.moirai.tck;

import io.moirai.stream.Channel;
import java.util.concurrent.Flow;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link Channel#asSubscriber()} seen as a {@link java.util.concurrent.Flow.Subscriber}
 * through {@link FlowAdapters#toFlowSubscriber} with the Flow TCK
 * ({@link FlowSubscriberBlackboxVerification}), so that JDK {@code Flow} publishers can feed a
 * channel with the same guarantees as Reactive Streams publishers. The subscribers are those of
 * {@link ChannelSubscriberTckTest} (the subscriber of a fresh 16-item channel whose receiver a drain
 * empties with unbounded demand), seen through {@link FlowViews#flowSubscriberView} so that the
 * TCK's subscriptions and signals really reach the channel through the {@code Flow} adapters. One
 * runtime with two compute workers serves the whole class ({@link Channels}).
 *
 * <p>A whitebox verification is not possible, as explained in {@link ChannelSubscriberTckTest}.
 *
 * <p><b>Skipped TCK tests</b>: the same as in {@link ChannelSubscriberTckTest}, for the same reason.
 */
public class ChannelFlowSubscriberTckTest extends FlowSubscriberBlackboxVerification<Integer> {

    private Channels channels;

    /** Creates the verification with this module's {@linkplain TckSettings timeouts}. */
    public ChannelFlowSubscriberTckTest() {
        super(TckSettings.newEnvironment());
    }

    /** Starts the runtime the class's channels run on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        channels = new Channels("channel-subscriber-flow");
    }

    /** Closes the runtime. */
    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        if (channels != null) {
            channels.close();
        }
    }

    @Override
    public Flow.Subscriber<Integer> createFlowSubscriber() {
        return FlowViews.flowSubscriberView(channels.drainedChannelSubscriber(env::flop));
    }

    @Override
    public Integer createElement(int element) {
        return element;
    }
}

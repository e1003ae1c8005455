package io.moirai.tck;

import io.moirai.stream.Channel;
import org.reactivestreams.Subscriber;
import org.reactivestreams.tck.SubscriberBlackboxVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link Channel#asSubscriber()}, the {@link Subscriber} that feeds a channel from an
 * upstream publisher, with the Reactive Streams TCK's {@link SubscriberBlackboxVerification}.
 * {@code createSubscriber()} makes a fresh channel of {@linkplain Channels#CAPACITY 16} items (the
 * subscriber is one per channel: {@code asSubscriber()} always returns the same instance, which
 * takes a single upstream subscription), subscribes a drain with unbounded demand to its receiver,
 * and hands the TCK {@code channel.asSubscriber()} ({@link Channels#drainedChannelSubscriber}); the
 * TCK then signals it itself or through its own helper publisher, with the integers
 * {@code 0, 1, 2, ...} as elements. Because the drain empties the channel as fast as items arrive,
 * the subscriber, which requests only what fits into the channel, keeps requesting. This checks
 * that the subscriber requests demand by itself after {@code onSubscribe} (§2.1), calls neither
 * {@code request} nor {@code cancel} from {@code onComplete} or {@code onError} (§2.3, which it
 * turns into closing and failing the channel), cancels a second subscription without requesting
 * from it (§2.5), copes with completion and failure with and without a preceding request (§2.9,
 * §2.10), and throws {@code NullPointerException} for null arguments of {@code onSubscribe},
 * {@code onNext} and {@code onError} (§2.13). The drain also reports, as asynchronous TCK errors, a
 * receiver that signals before {@code onSubscribe}, after a terminal signal, or out of the order the
 * subscriber received the items in. One runtime with two compute workers serves the whole class
 * ({@link Channels}).
 *
 * <p>A whitebox verification is not possible here: it needs a probe inside the subscriber and a
 * puppet through which the test makes the subscriber {@code request(n)} and {@code cancel()} at
 * will, while this subscriber is the runtime's own and decides its demand from the room in the
 * channel, with no way to make it cancel its upstream.
 *
 * <p><b>Skipped TCK tests</b> (15 of 26, observed; none for a failure): the fifteen
 * {@code untested_*} tests, which skip for every subscriber ("Not verified by this TCK.").
 */
public class ChannelSubscriberTckTest extends SubscriberBlackboxVerification<Integer> {

    private Channels channels;

    /** Creates the verification with this module's {@linkplain TckSettings timeouts}. */
    public ChannelSubscriberTckTest() {
        super(TckSettings.newEnvironment());
    }

    /** Starts the runtime the class's channels run on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        channels = new Channels("channel-subscriber");
    }

    /** Closes the runtime. */
    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        if (channels != null) {
            channels.close();
        }
    }

    @Override
    public Subscriber<Integer> createSubscriber() {
        return channels.drainedChannelSubscriber(env::flop);
    }

    @Override
    public Integer createElement(int element) {
        return element;
    }
}

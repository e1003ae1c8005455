package io.moirai.tck;

import io.moirai.stream.Channel;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link Channel#receiver()} as a Reactive Streams {@link Publisher} with the Reactive
 * Streams TCK. {@code createPublisher(n)} makes a channel of {@linkplain Channels#CAPACITY 16}
 * items and starts a {@link ChannelProducer} that {@linkplain Channel#send sends} the integers
 * {@code 0..n-1} one handle after another, then {@linkplain Channel#close closes} the channel once
 * the last item was enqueued; the TCK gets the channel's receiver itself, so every {@code request},
 * {@code cancel} and signal is the channel's own. Up to 16 items already wait in the channel when
 * the TCK subscribes; longer streams (20 items for §3.12, {@code Integer.MAX_VALUE} for the §3.17
 * overflow test) go through the full-channel path, where a send completes only when the
 * subscriber's demand has made room. {@code createFailedPublisher()} is the receiver of a channel
 * that was {@linkplain Channel#fail failed} before the TCK subscribes: it must signal
 * {@code onSubscribe}, then {@code onError}, without demand. After every test the producers of
 * that test are stopped ({@link Channels#stopProducers()}), which bounds the producer of a stream
 * the TCK cancelled; one runtime with two compute workers serves the whole class ({@link Channels}).
 *
 * <p>{@link #maxElementsFromPublisher()} stays the TCK's default: the producer only sends as the
 * receiver's demand drains the channel, so even the {@code Integer.MAX_VALUE}-item stream of the
 * §3.17 test (cancelled after a dozen items) costs a few items. This checks in particular that the
 * channel delivers buffered items only on demand (§1.1, §3.17, with items already waiting), that
 * {@code request} from {@code onNext} does not recurse (§3.3), that signals are serial while
 * producers on the workers refill the channel (§1.3, 100 runs of 10 items), that completion follows
 * the last item (§1.5, §1.7), that cancellation stops delivery (§3.12) and that a cancelled receiver
 * no longer references its subscriber although the channel itself stays reachable (§3.13: the
 * fixture holds the producer, which holds the channel, until the test has ended).
 *
 * <p><b>Skipped TCK tests</b> (12 of 38, observed; none for a failure): the seven
 * {@code untested_*} tests, which skip for every publisher ("Not verified by this TCK."), and the
 * five optional §1.11 multi-subscriber tests, which skip as "not implemented" because the receiver
 * of a channel is unicast by contract (a second subscriber gets {@code onSubscribe} then
 * {@code onError(IllegalStateException)}).
 */
public class ChannelReceiverPublisherTckTest extends PublisherVerification<Integer> {

    private Channels channels;

    /** Creates the verification with this module's {@linkplain TckSettings timeouts}. */
    public ChannelReceiverPublisherTckTest() {
        super(TckSettings.newEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime the class's channels run on. */
    @BeforeClass(alwaysRun = true)
    public void startRuntime() {
        channels = new Channels("channel-receiver");
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
    public Publisher<Integer> createPublisher(long elements) {
        return channels.receiverOf(elements);
    }

    @Override
    public Publisher<Integer> createFailedPublisher() {
        return Channels.failedReceiver(channels.moirai());
    }
}

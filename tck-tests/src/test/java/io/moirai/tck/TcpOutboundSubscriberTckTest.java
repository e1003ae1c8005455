package io.moirai.tck;

import io.moirai.net.TcpConnection;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.tck.SubscriberBlackboxVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * Verifies the {@link Subscriber} that {@link TcpConnection#outbound(Publisher)} subscribes to its
 * data with the Reactive Streams TCK's {@link SubscriberBlackboxVerification}. {@code createSubscriber()}
 * connects a fresh {@link TcpConnection} to a plain peer socket that reads and discards everything
 * (so writes never stall), calls {@code connection.outbound(data)} with a {@code data} publisher that
 * only captures the subscriber it is given, and hands that subscriber to the TCK, which then signals
 * it itself or through its own helper publisher. Elements are fresh 4-byte buffers. This checks that
 * the outbound side requests demand on its own after {@code onSubscribe} and again after a buffer
 * was written (§2.1), stays quiet towards its subscription during and after {@code onComplete} and
 * {@code onError} (§2.3), cancels a second subscription (§2.5), copes with completion and failure
 * with and without a preceding request (§2.9, §2.10), and throws {@code NullPointerException} for
 * null arguments of {@code onSubscribe}, {@code onNext} and {@code onError} (§2.13). Every
 * connection and peer socket of a test is closed after it; one runtime (two compute workers, one
 * I/O thread) serves the whole class ({@link TcpPeers}).
 *
 * <p>A whitebox verification is not possible here: it needs a probe inside the subscriber, and the
 * outbound subscriber is the runtime's own, not the test's.
 *
 * <p><b>Skipped TCK tests</b> (15 of 26, observed; none for a failure): the fifteen
 * {@code untested_*} tests, which skip for every subscriber
 * ("Not verified by this TCK.").
 */
public class TcpOutboundSubscriberTckTest extends SubscriberBlackboxVerification<ByteBuffer> {

    private TcpPeers peers;

    /** Creates the verification with this module's {@linkplain TckSettings#IO_TIMEOUT_MILLIS I/O timeouts}. */
    public TcpOutboundSubscriberTckTest() {
        super(TckSettings.newIoEnvironment());
    }

    /** Starts the runtime and the peer server. */
    @BeforeClass(alwaysRun = true)
    public void startPeers() {
        peers = new TcpPeers("outbound");
    }

    /** Closes the connections, sockets and peer threads of the test that just ran. */
    @AfterMethod(alwaysRun = true)
    public void closeConnections() {
        if (peers != null) {
            peers.closeTestResources();
        }
    }

    /** Closes the peer server and the runtime. */
    @AfterClass(alwaysRun = true)
    public void closePeers() {
        if (peers != null) {
            peers.close();
        }
    }

    @Override
    public Subscriber<ByteBuffer> createSubscriber() {
        return peers.outboundSubscriber();
    }

    @Override
    public ByteBuffer createElement(int element) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(0, element);
    }
}

package io.moirai.tck;

import io.moirai.net.TcpConnection;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link TcpConnection#inbound(int)} as a Reactive Streams {@link Publisher} with the
 * Reactive Streams TCK. {@code createPublisher(n)} connects a fresh {@link TcpConnection} (Moirai's
 * client side) to a plain blocking peer socket that writes exactly {@code n} bytes and then shuts
 * its output down (FIN); the publisher is {@code connection.inbound(1)}, so every byte is one element
 * and end of stream is {@code onComplete}. Streams of up to 4096 bytes are written, FIN included,
 * before the TCK subscribes; the one longer stream the TCK asks for ({@code Integer.MAX_VALUE}
 * elements, §3.17) is written by a peer thread as TCP flow control lets it, so the bound of
 * {@link #maxElementsFromPublisher()} stays the TCK's default: a socket really can deliver that many
 * bytes, and the reader's demand alone decides how many cross it. {@code createFailedPublisher()} is
 * {@code inbound(1)} of a connection closed beforehand, which the contract answers with
 * {@code onSubscribe} then {@code onError(IllegalStateException)}. Every connection, socket and peer
 * thread of a test is closed after it; one runtime (two compute workers, one I/O thread) serves the
 * whole class ({@link TcpPeers}).
 *
 * <p>Because the I/O thread reads only while there is demand, this checks in particular that reads
 * follow demand exactly (§1.1, §3.17, with bytes already waiting in the receive buffer), that
 * {@code request} from {@code onNext} on the I/O thread does not recurse (§3.3), that signals from
 * the I/O thread are serial (§1.3, 100 runs) and that a cancelled reader is released by the
 * still-open connection (§3.13).
 *
 * <p><b>Skipped TCK tests</b> (12 of 38, observed; none for a failure): the seven
 * {@code untested_*} tests, which skip for every publisher
 * ("Not verified by this TCK."), and the five optional §1.11 multi-subscriber tests, which skip as
 * "not implemented" because the input of a connection is unicast by contract (a second subscriber
 * gets {@code onError(IllegalStateException)}).
 */
public class TcpInboundPublisherTckTest extends PublisherVerification<ByteBuffer> {

    private TcpPeers peers;

    /** Creates the verification with this module's {@linkplain TckSettings#IO_TIMEOUT_MILLIS I/O timeouts}. */
    public TcpInboundPublisherTckTest() {
        super(TckSettings.newIoEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime and the peer server. */
    @BeforeClass(alwaysRun = true)
    public void startPeers() {
        peers = new TcpPeers("inbound");
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
    public Publisher<ByteBuffer> createPublisher(long elements) {
        return peers.inbound(elements);
    }

    @Override
    public Publisher<ByteBuffer> createFailedPublisher() {
        return peers.inboundOfClosedConnection();
    }
}

package io.moirai.tck;

import io.moirai.net.NetBuffer;
import io.moirai.net.TcpConnection;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link TcpConnection#receive(int)} as a Reactive Streams {@link Publisher} with the
 * Reactive Streams TCK, exactly as {@link TcpInboundPublisherTckTest} verifies {@code inbound(1)}:
 * a fresh connection to a plain peer socket that writes {@code n} bytes and then its FIN, read as
 * {@code receive(1)} so that every byte is one pooled {@link NetBuffer}. The TCK's subscribers do not
 * release what they receive, so the I/O thread's pool runs dry early and later reads go to heap
 * buffers: the publisher's contract must hold either way (§1.1, §1.3, §3.3, §3.9, §3.13, §3.17).
 *
 * <p><b>Skipped TCK tests</b>: as for {@code inbound}, the seven {@code untested_*} tests and the five
 * optional §1.11 multi-subscriber tests (the input is unicast by contract).
 */
public class TcpReceivePublisherTckTest extends PublisherVerification<NetBuffer> {

    private TcpPeers peers;

    /** Creates the verification with this module's {@linkplain TckSettings#IO_TIMEOUT_MILLIS I/O timeouts}. */
    public TcpReceivePublisherTckTest() {
        super(TckSettings.newIoEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime and the peer server. */
    @BeforeClass(alwaysRun = true)
    public void startPeers() {
        peers = new TcpPeers("receive");
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
    public Publisher<NetBuffer> createPublisher(long elements) {
        return peers.receive(elements);
    }

    @Override
    public Publisher<NetBuffer> createFailedPublisher() {
        return peers.receiveOfClosedConnection();
    }
}

package io.moirai.tck;

import io.moirai.net.NetBuffer;
import io.moirai.net.TcpConnection;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.tck.SubscriberBlackboxVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * Verifies the {@link Subscriber} that {@link TcpConnection#send(Publisher)} subscribes to its data
 * with the TCK's {@link SubscriberBlackboxVerification}, as {@link TcpOutboundSubscriberTckTest}
 * verifies the one behind {@code outbound}: a fresh connection to a peer that reads and discards
 * everything, a {@code data} publisher that only captures the subscriber, and elements that are
 * {@link NetBuffer#wrap wrapped} 4-byte buffers (§2.1, §2.3, §2.5, §2.9, §2.10, §2.13).
 *
 * <p><b>Skipped TCK tests</b>: the fifteen {@code untested_*} tests, which skip for every subscriber.
 */
public class TcpSendSubscriberTckTest extends SubscriberBlackboxVerification<NetBuffer> {

    private TcpPeers peers;

    /** Creates the verification with this module's {@linkplain TckSettings#IO_TIMEOUT_MILLIS I/O timeouts}. */
    public TcpSendSubscriberTckTest() {
        super(TckSettings.newIoEnvironment());
    }

    /** Starts the runtime and the peer server. */
    @BeforeClass(alwaysRun = true)
    public void startPeers() {
        peers = new TcpPeers("send");
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
    public Subscriber<NetBuffer> createSubscriber() {
        return peers.sendSubscriber();
    }

    @Override
    public NetBuffer createElement(int element) {
        return NetBuffer.wrap(ByteBuffer.allocate(Integer.BYTES).putInt(0, element));
    }
}

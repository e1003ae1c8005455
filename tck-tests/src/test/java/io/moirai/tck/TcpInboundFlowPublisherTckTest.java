package io.moirai.tck;

import io.moirai.net.TcpConnection;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link TcpConnection#inbound(int)} seen as a {@link java.util.concurrent.Flow.Publisher}
 * through {@link FlowAdapters#toFlowPublisher} with the Flow TCK ({@link FlowPublisherVerification}),
 * so that JDK {@code Flow} users of a connection get the same guarantees as Reactive Streams users.
 * The publishers are those of {@link TcpInboundPublisherTckTest} ({@code inbound(1)} of a fresh
 * connection whose peer writes exactly {@code n} bytes, then FIN; the failed one is the input of a
 * closed connection), seen through {@link FlowViews#flowView} so that the TCK's subscribers really
 * reach the connection through the {@code Flow} adapters. Everything a test opens is closed after
 * it; one runtime serves the whole class ({@link TcpPeers}).
 *
 * <p><b>Skipped TCK tests</b>: the same as in {@link TcpInboundPublisherTckTest}, for the same reasons.
 */
public class TcpInboundFlowPublisherTckTest extends FlowPublisherVerification<ByteBuffer> {

    private TcpPeers peers;

    /** Creates the verification with this module's {@linkplain TckSettings#IO_TIMEOUT_MILLIS I/O timeouts}. */
    public TcpInboundFlowPublisherTckTest() {
        super(TckSettings.newIoEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime and the peer server. */
    @BeforeClass(alwaysRun = true)
    public void startPeers() {
        peers = new TcpPeers("inbound-flow");
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
    public Flow.Publisher<ByteBuffer> createFlowPublisher(long elements) {
        return FlowViews.flowView(peers.inbound(elements));
    }

    @Override
    public Flow.Publisher<ByteBuffer> createFailedFlowPublisher() {
        return FlowViews.flowView(peers.inboundOfClosedConnection());
    }
}

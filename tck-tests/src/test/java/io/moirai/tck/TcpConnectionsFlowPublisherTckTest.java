package io.moirai.tck;

import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import java.util.concurrent.Flow;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link TcpListener#connections()} seen as a {@link java.util.concurrent.Flow.Publisher}
 * through {@link FlowAdapters#toFlowPublisher} with the Flow TCK ({@link FlowPublisherVerification}),
 * so that JDK {@code Flow} users of a listener get the same guarantees as Reactive Streams users.
 * The publishers are those of {@link TcpConnectionsPublisherTckTest} (a fresh listener, {@code n}
 * clients, closed from the subscriber after the {@code n}-th connection; the failed one is a
 * listener that already has a subscriber), seen through {@link FlowViews#flowView} so that the TCK's
 * subscribers really reach the listener through the {@code Flow} adapters. Everything a test opens
 * is closed after it; one runtime serves the whole class ({@link TcpPeers}).
 *
 * <p><b>Skipped TCK tests</b>: the same as in {@link TcpConnectionsPublisherTckTest}, for the same
 * reasons.
 */
public class TcpConnectionsFlowPublisherTckTest extends FlowPublisherVerification<TcpConnection> {

    private TcpPeers peers;

    /** Creates the verification with this module's {@linkplain TckSettings#IO_TIMEOUT_MILLIS I/O timeouts}. */
    public TcpConnectionsFlowPublisherTckTest() {
        super(TckSettings.newIoEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime. */
    @BeforeClass(alwaysRun = true)
    public void startPeers() {
        peers = new TcpPeers("connections-flow");
    }

    /** Closes the listeners, connections, client sockets and peer threads of the test that just ran. */
    @AfterMethod(alwaysRun = true)
    public void closeConnections() {
        if (peers != null) {
            peers.closeTestResources();
        }
    }

    /** Closes the runtime. */
    @AfterClass(alwaysRun = true)
    public void closePeers() {
        if (peers != null) {
            peers.close();
        }
    }

    @Override
    public Flow.Publisher<TcpConnection> createFlowPublisher(long elements) {
        return FlowViews.flowView(peers.connections(elements));
    }

    @Override
    public Flow.Publisher<TcpConnection> createFailedFlowPublisher() {
        return FlowViews.flowView(peers.connectionsAlreadySubscribed());
    }
}

package io.moirai.tck;

import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

/**
 * Verifies {@link TcpListener#connections()} as a Reactive Streams {@link Publisher} with the
 * Reactive Streams TCK. {@code createPublisher(n)} binds a fresh listener on 127.0.0.1, port 0, and
 * a peer thread connects {@code n} plain client sockets to it (a few at a time ahead of the accepted
 * ones, since a connection waits in the kernel's backlog until there is demand). The listener's
 * publisher never completes by itself, only when the listener is closed, so the publisher handed to
 * the TCK closes the listener from its subscriber right after the {@code n}-th connection was
 * delivered ({@code n == 0}: right after {@code onSubscribe}); the {@code onComplete} the TCK then
 * sees is the listener's own answer to {@link TcpListener#close()}, and the TCK's subscriber holds
 * the listener's own subscription, so all demand and cancellation go to it directly (see
 * {@link TcpPeers#connections(long)}). This exercises close-while-subscribed from the I/O thread in
 * every completing test. {@code createFailedPublisher()} is the connections of a listener that
 * already has a subscriber: unicast, it answers with {@code onSubscribe} then
 * {@code onError(IllegalStateException)}. Every listener, accepted connection and client socket of a
 * test is closed after it; one runtime (two compute workers, one I/O thread) serves the whole class.
 *
 * <p>Because the listener accepts only while there is demand, this checks in particular that
 * accepts follow demand exactly (§1.1, §3.17, with clients already waiting in the backlog), that
 * {@code request} from {@code onNext} does not recurse (§3.3), that signals are serial (§1.3, 100
 * runs of 10 connections), that cancelling stops accepting (§3.12) and releases the subscriber
 * (§3.13). The bound of {@link #maxElementsFromPublisher()} stays the TCK's default: clients are
 * connected only as connections are delivered, so even the §3.17 test that asks for
 * {@code Integer.MAX_VALUE} connections (and cancels after a dozen) runs.
 *
 * <p><b>Skipped TCK tests</b> (12 of 38, observed; none for a failure): the seven
 * {@code untested_*} tests, which skip for every publisher
 * ("Not verified by this TCK."), and the five optional §1.11 multi-subscriber tests, which skip as
 * "not implemented" because {@code connections()} is unicast by contract.
 */
public class TcpConnectionsPublisherTckTest extends PublisherVerification<TcpConnection> {

    private TcpPeers peers;

    /** Creates the verification with this module's {@linkplain TckSettings#IO_TIMEOUT_MILLIS I/O timeouts}. */
    public TcpConnectionsPublisherTckTest() {
        super(TckSettings.newIoEnvironment(), TckSettings.PUBLISHER_REFERENCE_GC_TIMEOUT_MILLIS);
    }

    /** Starts the runtime. */
    @BeforeClass(alwaysRun = true)
    public void startPeers() {
        peers = new TcpPeers("connections");
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
    public Publisher<TcpConnection> createPublisher(long elements) {
        return peers.connections(elements);
    }

    @Override
    public Publisher<TcpConnection> createFailedPublisher() {
        return peers.connectionsAlreadySubscribed();
    }
}

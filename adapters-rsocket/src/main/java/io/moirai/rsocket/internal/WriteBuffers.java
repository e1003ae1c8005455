package io.moirai.rsocket.internal;

import java.nio.ByteBuffer;
import org.jctools.queues.MpmcArrayQueue;

/**
 * The direct buffers outbound frames are copied into before they are written: {@value #BUFFER_SIZE}
 * bytes each, shared by every connection of the process, at most {@value #MAX_IDLE} kept idle (about
 * 2 MiB). A connection takes one when it has frames to write and gives it back once the socket has
 * written it and nothing else waits, so an idle connection holds none.
 *
 * <p>Plain JDK direct buffers, not Netty's pooled ones, on purpose: a buffer handed to
 * {@code TcpConnection.send} may still be in the I/O thread's hands when a connection is closed from
 * another thread, and nothing says when the I/O thread lets go of it then. Such a buffer is simply
 * not given back (the garbage collector frees it), which is safe, where a pooled Netty buffer would
 * have to be released while the socket might still read it.
 *
 * <p>Threads: {@link #take()} and {@link #give} from any thread.
 */
final class WriteBuffers {

    /** The size of one write: as large as one pooled read buffer of the I/O threads. */
    static final int BUFFER_SIZE = 64 * 1024;

    /** The most idle buffers kept. */
    static final int MAX_IDLE = 32;

    /** The process-wide pool. */
    static final WriteBuffers SHARED = new WriteBuffers();

    private final MpmcArrayQueue<ByteBuffer> idle = new MpmcArrayQueue<>(MAX_IDLE);

    private WriteBuffers() {}

    /** @return a cleared buffer of {@value #BUFFER_SIZE} bytes: an idle one, or a new one */
    ByteBuffer take() {
        ByteBuffer b = idle.relaxedPoll();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(BUFFER_SIZE);
    }

    /**
     * Keeps {@code buffer} for a later {@link #take()}, or drops it if enough are idle.
     *
     * @param buffer a buffer from {@link #take()} that nobody uses any more
     */
    void give(ByteBuffer buffer) {
        idle.relaxedOffer(buffer);
    }
}

package io.moirai.benchmarks.beyond;

import com.sun.management.ThreadMXBean;
import io.moirai.Moirai;
import io.moirai.net.TcpConnection;
import io.moirai.net.TcpListener;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Heap the echo server's I/O thread allocates per echoed MiB (issue 15's target: under 1 KiB with
 * {@code receive}/{@code send}), measured with {@code ThreadMXBean.getThreadAllocatedBytes} on that
 * thread alone, so that the client driving the load does not count: a Moirai runtime with one I/O
 * thread serves {@code conn.send(conn.receive())} (or {@code conn.outbound(conn.inbound())} with
 * argument {@code copies}), a plain blocking socket writes 256 MiB in 64 KiB writes while another
 * thread reads the echo back, three rounds, the first one warm-up. Loopback only.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.moirai.benchmarks.beyond.EchoAllocation [pooled|copies]}
 */
public final class EchoAllocation {

    private static final long ROUND_BYTES = 256L * 1024 * 1024;

    private EchoAllocation() {}

    public static void main(String[] args) throws Exception {
        boolean pooled = args.length == 0 || !args[0].equals("copies");
        String row = pooled ? "send(receive())" : "outbound(inbound())";
        try (Moirai moirai = Moirai.builder().workerThreads(2).ioThreads(1).threadNamePrefix("alloc").build()) {
            TcpListener listener = TcpListener.bind(moirai, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.connections().subscribe(new Subscriber<>() {
                @Override
                public void onSubscribe(Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(TcpConnection c) {
                    if (pooled) {
                        c.send(c.receive());
                    } else {
                        c.outbound(c.inbound());
                    }
                }

                @Override
                public void onError(Throwable t) {
                    if (!(t instanceof CancellationException)) { // the runtime closing at the end
                        System.err.println("EchoAllocation: the listener failed: " + t);
                    }
                }

                @Override
                public void onComplete() {}
            });
            ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            try (Socket s = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort())) {
                long io = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("alloc-io")).findFirst().orElseThrow().getId();
                byte[] chunk = new byte[64 * 1024];
                for (int round = 0; round < 3; round++) {
                    long before = mx.getThreadAllocatedBytes(io);
                    CompletableFuture<Void> back = CompletableFuture.runAsync(() -> readBack(s));
                    OutputStream out = s.getOutputStream();
                    for (long sent = 0; sent < ROUND_BYTES; sent += chunk.length) {
                        out.write(chunk);
                    }
                    back.get(60, TimeUnit.SECONDS);
                    double perMib = (mx.getThreadAllocatedBytes(io) - before) / (double) (ROUND_BYTES >> 20);
                    System.out.printf("%s, round %d%s: the I/O thread allocated %,.1f bytes per MiB echoed%n",
                            row, round, round == 0 ? " (warm-up)" : "", perMib);
                }
            }
        }
    }

    private static void readBack(Socket s) {
        try {
            InputStream in = s.getInputStream();
            byte[] b = new byte[64 * 1024];
            for (long got = 0; got < ROUND_BYTES; ) {
                int n = in.read(b);
                if (n < 0) {
                    throw new EOFException("the echo ended early");
                }
                got += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

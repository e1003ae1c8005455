package io.moirai.benchmarks.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A hostile HTTP client for {@code benchmarks/hostile-peers.sh}: opens {@code connections} loopback
 * connections to an HTTP server and on each pipelines {@code GET /json} requests as fast as the
 * server takes them, never reading a response, until every connection is stalled (the server stopped
 * reading, and TCP stopped the writes) or {@code flood-seconds} passed. It then prints
 * {@code FLOODED}, checks that a fresh client still gets {@code 200} within 10 s (prints
 * {@code SERVED} or {@code NOT SERVED}), holds the connections for {@code hold-seconds} (the script
 * measures the server's heap meanwhile) and closes everything.
 *
 * <p>Usage: {@code PipelineFlood <port> <connections> <flood-seconds> <hold-seconds>}. Exit 0 if the
 * fresh client was served, 1 otherwise. Single-threaded; loopback only.
 */
public final class PipelineFlood {

    private static final byte[] REQUEST = "GET /json HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private PipelineFlood() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: PipelineFlood <port> <connections> <flood-seconds> <hold-seconds>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        long floodNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        long holdMillis = TimeUnit.SECONDS.toMillis(Long.parseLong(args[3]));
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);

        ByteBuffer batch = ByteBuffer.allocateDirect(REQUEST.length * 2048); // 2,048 requests per write
        while (batch.remaining() >= REQUEST.length) {
            batch.put(REQUEST);
        }
        batch.flip();

        List<SocketChannel> channels = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                SocketChannel c = SocketChannel.open(server);
                c.configureBlocking(false);
                channels.add(c);
            }
            long sent = 0;
            long deadline = System.nanoTime() + floodNanos;
            boolean progress = true;
            while (progress && System.nanoTime() - deadline < 0) {
                progress = false;
                for (SocketChannel c : channels) {
                    int w = c.write(batch.duplicate());
                    if (w > 0) {
                        sent += w;
                        progress = true;
                    }
                }
            }
            System.out.printf("FLOODED %d connections, %,d request bytes written (%,d requests), %s%n", n, sent,
                    sent / REQUEST.length, progress ? "still writing at the deadline" : "every connection stalled");
            System.out.flush();

            boolean served = freshClientServed(server);
            System.out.println(served ? "SERVED a fresh client while flooded" : "NOT SERVED: a fresh client got no answer");
            System.out.flush();
            Thread.sleep(holdMillis);
            System.exit(served ? 0 : 1);
        } finally {
            for (SocketChannel c : channels) {
                c.close();
            }
        }
    }

    private static boolean freshClientServed(InetSocketAddress server) {
        try (Socket s = new Socket()) {
            s.connect(server, 10_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] status = in.readNBytes(12);
            return new String(status, StandardCharsets.US_ASCII).equals("HTTP/1.1 200");
        } catch (IOException e) {
            System.out.println("fresh client: " + e);
            return false;
        }
    }
}

package io.moirai.benchmarks.beyond;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The client ends of {@link BeyondJmh}'s idle connections, in a process of their own. A process may
 * open at most {@code ulimit -n} descriptors (20,000 on the machine this was written on, and only
 * root with {@code CAP_SYS_RESOURCE} may raise the hard limit); 10,000 loopback connections with
 * both ends in one process take 20,000, so the measured process holds the server ends (the
 * runtime's connections) and this helper the client ends. It is idle between commands: its main
 * thread blocks reading its standard input, and it registers nothing with any selector, so it adds
 * no CPU to the machine while the runtime is measured (and its CPU is not counted: the figure is the
 * measured process's own).
 *
 * <p>Commands, one a line on standard input; each is answered with one line on standard output:
 * <ul>
 *   <li>{@code connect HOST PORT N}: opens {@code N} more blocking connections ({@code TCP_NODELAY});
 *       answers {@code connected TOTAL};
 *   <li>{@code send I J ...}: writes one byte on each connection numbered {@code I, J, ...} (in the
 *       order they were opened); answers {@code sent K};
 *   <li>{@code close}: closes every connection; answers {@code closed} and exits.
 * </ul>
 * A failure answers {@code error MESSAGE}; the end of standard input closes everything and exits.
 */
public final class IdleClients {

    private IdleClients() {}

    /**
     * @param args none
     * @throws IOException if standard input cannot be read
     */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<SocketChannel> channels = new ArrayList<>();
        try {
            String line;
            while ((line = in.readLine()) != null) {
                String[] w = line.trim().split("\\s+");
                try {
                    switch (w[0]) {
                        case "connect" -> {
                            InetSocketAddress address = new InetSocketAddress(w[1], Integer.parseInt(w[2]));
                            int n = Integer.parseInt(w[3]);
                            for (int i = 0; i < n; i++) {
                                SocketChannel ch = SocketChannel.open();
                                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                                ch.connect(address);
                                channels.add(ch);
                            }
                            out.println("connected " + channels.size());
                        }
                        case "send" -> {
                            for (int i = 1; i < w.length; i++) {
                                ByteBuffer one = ByteBuffer.wrap(new byte[] {'x'});
                                while (one.hasRemaining()) {
                                    channels.get(Integer.parseInt(w[i])).write(one);
                                }
                            }
                            out.println("sent " + (w.length - 1));
                        }
                        case "close" -> {
                            closeAll(channels);
                            out.println("closed");
                            return;
                        }
                        default -> out.println("error unknown command: " + line);
                    }
                } catch (IOException | RuntimeException e) {
                    out.println("error " + e + " (after " + channels.size() + " connections)");
                }
            }
        } finally {
            closeAll(channels);
        }
    }

    private static void closeAll(List<SocketChannel> channels) {
        for (SocketChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        channels.clear();
    }
}

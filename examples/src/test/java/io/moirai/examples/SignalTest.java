package io.moirai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGTERM on a server in a JVM of its own ({@code java -cp <this classpath> io.moirai.examples.Main}),
 * sent by {@link ProcessHandle#destroy()} (SIGTERM on Linux and macOS): the server says it is stopping,
 * prints the summary {@code --duration} prints, and exits 0. Loopback only.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SignalTest {

    /** A command in a child JVM, its output read line by line on a thread of its own. */
    private static final class Child implements AutoCloseable {
        final Process process;
        final WatchedWriter out = new WatchedWriter();

        Child(String... args) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    Main.class.getName()));
            command.addAll(List.of(args));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        out.write(line + "\n");
                    }
                } catch (IOException ended) {
                    // the process is gone
                }
            }, "child-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** @return the port from the listening line, once it came */
        int awaitListening(String name) throws Exception {
            String text = out.when(name + ": listening on ").get(30, TimeUnit.SECONDS);
            Matcher m = Pattern.compile(name + ": listening on 127\\.0\\.0\\.1:(\\d+) \\(Ctrl-C to stop\\)").matcher(text);
            assertThat(m.find()).as(text).isTrue();
            return Integer.parseInt(m.group(1));
        }

        /**
         * Sends SIGTERM and waits for the exit; returns the exit code. Through the process's handle:
         * {@code Process.destroy()} sends the same SIGTERM but also closes our end of the child's
         * output, which would lose what the child prints while it stops.
         */
        int terminate() throws Exception {
            assertThat(process.toHandle().destroy()).isTrue(); // SIGTERM
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM; output:%n%s", out).isTrue();
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    @Test
    void sigtermStopsTheEchoServerWithItsSummaryAndExitCodeZero() throws Exception {
        try (Child child = new Child("echo-server")) { // the default port: 0, any free one
            int port = child.awaitListening("echo-server");
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello");
            }
            assertThat(child.terminate()).as(child.out.toString()).isZero();
            String lines = child.out.when("echo-server: served ").get(10, TimeUnit.SECONDS);
            assertThat(lines).contains("echo-server: stopping\necho-server: served 1 connection, echoed 5 bytes");
        }
    }

    @Test
    void sigtermStopsTheHttpServerWithItsSummaryAndExitCodeZero() throws Exception {
        try (Child child = new Child("http-server", "--workers", "1")) {
            child.awaitListening("http-server");
            assertThat(child.terminate()).as(child.out.toString()).isZero();
            String lines = child.out.when("http-server: served ").get(10, TimeUnit.SECONDS);
            assertThat(lines).contains("http-server: stopping\nhttp-server: served 0 connections, 0 requests,");
        }
    }
}

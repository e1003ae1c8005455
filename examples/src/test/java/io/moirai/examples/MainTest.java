package io.moirai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every command of the examples jar, run in this JVM on ephemeral ports. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MainTest {

    /** What a command printed and returned. */
    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }

    /** Starts a server command on a thread; returns its port once it listens, and the running command. */
    static final class Server implements AutoCloseable {
        final Thread thread;
        final CompletableFuture<Run> done = new CompletableFuture<>();
        final int port;

        Server(Path dir, String command, String... extra) throws Exception {
            Path portFile = dir.resolve(command + ".port");
            String[] args = new String[4 + extra.length];
            args[0] = command;
            args[1] = "--port=0";
            args[2] = "--port-file=" + portFile;
            args[3] = "--duration=60s";
            System.arraycopy(extra, 0, args, 4, extra.length);
            thread = new Thread(() -> done.complete(run(args)), command);
            thread.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(portFile)) {
                if (done.isDone() || System.nanoTime() > deadline) {
                    throw new AssertionError(command + " did not start: " + done.getNow(null));
                }
                Thread.sleep(10); // polling a file the server writes: nothing to wait on
            }
            port = Integer.parseInt(Files.readString(portFile).trim());
        }

        /** Interrupts the command and returns what it printed. */
        Run stop() throws Exception {
            thread.interrupt();
            Run r = done.get(20, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.err()).isZero();
            return r;
        }

        @Override
        public void close() throws Exception {
            if (!done.isDone()) {
                stop();
            }
        }
    }

    @Test
    void theDemoRunsEveryStepAndPrintsASummary() {
        Run r = run("demo", "--quick");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("sum of 0..999,999 in 100 subtasks = 499,999,500,000")
                .contains("the sender was held back")
                .contains("in order: yes")
                .contains("dropped")
                .contains("step")
                .doesNotContain(" NO ");
        // every step's line is "label: text", the labels padded to the widest ("pipeline"), the shared
        // pipeline and ticker helpers' lines included
        String steps = r.out().substring(r.out().indexOf('\n') + 1, r.out().indexOf("step "));
        for (String line : steps.strip().split("\n")) {
            assertThat(line).as(r.out()).matches("(tasks   |timer   |tcp     |pipeline|ticker  ): \\S.*");
        }
    }

    @Test
    void numbersAreGroupedAndDecimalsPointedWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY); // would print 12.345 and 0,12
        try {
            Run r = run("pipeline", "--items", "12345", "--parallelism", "2", "--rounds", "1");
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).contains("pipeline: 100% (12,345 of 12,345)")
                    .containsPattern("pipeline: 12,345 records, parallelism 2, \\d+\\.\\d\\ds, \\d+\\.\\d\\d M records/s");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void aServerEchoesItsDurationAsWrittenAndCountsInItsSummary() {
        Run r = run("echo-server", "--duration", "1500ms");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("echo-server: listening on 127\\.0\\.0\\.1:\\d+ for 1\\.5s\n")
                .contains("echo-server: stopping\n")
                .contains("echo-server: served 0 connections, echoed 0 bytes\n")
                .doesNotContain("PT");
    }

    @Test
    void everyCommandHasHelpAndBadUsageExitsWithTwo() {
        for (String command : new String[] {"demo", "echo-server", "http-server", "pipeline", "ticker"}) {
            Run help = run(command, "--help");
            assertThat(help.status()).isZero();
            assertThat(help.out()).contains("Usage:").contains(command);
        }
        Run top = run("--help");
        assertThat(top.out()).contains("echo-server").contains("http-server").contains("pipeline").contains("ticker");
        Run unknown = run("frobnicate");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("frobnicate");
        Run badDuration = run("ticker", "--period", "soon");
        assertThat(badDuration.status()).isEqualTo(2);
        assertThat(badDuration.err()).contains("soon");
        // every flag's bad values: BadUsageTest
    }

    @Test
    void thePortDefaultsToAnyFreePortWhichTheListeningLineAndThePortFileName(@TempDir Path dir) throws Exception {
        Path portFile = dir.resolve("port");
        Run r = run("echo-server", "--port-file", portFile.toString(), "--duration", "50ms");
        assertThat(r.status()).as(r.err()).isZero();
        Matcher listening = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(r.out());
        assertThat(listening.find()).as(r.out()).isTrue();
        int port = Integer.parseInt(listening.group(1));
        assertThat(port).isPositive();
        assertThat(Files.readString(portFile)).isEqualTo(Integer.toString(port));
    }

    @Test
    void versionIsTheProjectsOnEveryCommand() throws Exception {
        // the parent pom's own <version>, right after its artifactId
        Matcher m = Pattern.compile("<artifactId>moirai-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("..", "pom.xml")));
        assertThat(m.find()).isTrue();
        String expected = "Moirai examples " + m.group(1) + "\n";
        for (String[] args : new String[][] {{"--version"}, {"-V"}, {"echo-server", "--version"}, {"ticker", "-V"}}) {
            Run r = run(args);
            assertThat(r.status()).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith(expected).contains("Java " + System.getProperty("java.version"));
        }
    }

    @Test
    void pipelineMapsInOrderAndReportsThroughput() {
        Run r = run("pipeline", "--items", "100000", "--parallelism", "2", "--rounds", "10");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("pipeline: 100% (100,000 of 100,000)")
                .contains("pipeline: 100,000 records, parallelism 2,").contains("M records/s").contains("in order: yes");
    }

    @Test
    void tickerShowsDroppedTicks() {
        Run r = run("ticker", "--period", "10ms", "--count", "4", "--work", "35ms");
        assertThat(r.status()).as(r.err()).isZero();
        // which tick comes first depends on when the consumer's thread starts (ticks before it are dropped too)
        assertThat(r.out()).containsPattern("ticker: tick \\d+").contains("ticker: received 4 ticks, ")
                .containsPattern("[1-9]\\d* dropped");
    }

    @Test
    void echoServerEchoes(@TempDir Path dir) throws Exception {
        try (Server server = new Server(dir, "echo-server")) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write("hello, echo".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello, echo");
            }
        }
    }

    @Test
    void httpServerAnswersPlaintextAndJson(@TempDir Path dir) throws Exception {
        try (Server server = new Server(dir, "http-server", "--max-connections=16")) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> plain = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port + "/plaintext")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(plain.body()).isEqualTo("Hello, World!");
            HttpResponse<String> json = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port + "/json")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(json.body()).isEqualTo("{\"message\":\"Hello, World!\"}");
            assertThat(json.headers().firstValue("content-type")).hasValue("application/json");
            assertThat(server.stop().out()).containsPattern(
                    "http-server: served \\d+ connections?, 2 requests, received [1-9][\\d,]* bytes, sent [1-9][\\d,]* bytes;"
                            + " refused 0 connections at the limit; closed 0 by a timeout\n");
        }
    }
}

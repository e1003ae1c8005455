package io.moirai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.examples.cli.LongRunning;
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
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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

    /**
     * Runs a long-running command on a thread of its own, as {@code Main} would, with the command's
     * object at hand to {@link LongRunning#stop() stop} it as Ctrl-C's shutdown hook does.
     */
    static final class Running implements AutoCloseable {
        final WatchedWriter out = new WatchedWriter();
        final WatchedWriter err = new WatchedWriter();
        final LongRunning command;
        final CompletableFuture<Integer> status = new CompletableFuture<>();

        Running(String... args) {
            CommandLine cli = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
            command = (LongRunning) cli.getSubcommands().get(args[0]).getCommand();
            Thread thread = new Thread(() -> status.complete(cli.execute(args)), args[0]);
            thread.start();
        }

        /** Waits for the output to contain {@code text}. */
        String await(String text) throws Exception {
            try {
                return out.when(text).get(20, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("no '" + text + "' in " + out + err, e);
            }
        }

        /** Stops the command, as the shutdown hook does, and returns what it printed; it must exit 0. */
        Run stop() throws Exception {
            command.stop();
            int code = status.get(20, TimeUnit.SECONDS);
            Run r = new Run(code, out.toString(), err.toString());
            assertThat(code).as(r.out() + r.err()).isZero();
            return r;
        }

        /** Stops the command if a test did not, and waits for it (a failed test leaves nothing running). */
        @Override
        public void close() {
            command.stop();
            status.orTimeout(20, TimeUnit.SECONDS).join();
        }
    }

    /** A server command once it listens: its port, from the listening line. */
    static final class Server implements AutoCloseable {
        final Running running;
        final int port;

        Server(String command, String... extra) throws Exception {
            String[] args = new String[1 + extra.length];
            args[0] = command;
            System.arraycopy(extra, 0, args, 1, extra.length);
            running = new Running(args);
            running.await(" listening on ");
            Matcher m = Pattern.compile(command + ": listening on 127\\.0\\.0\\.1:(\\d+) \\(Ctrl-C to stop\\)\n")
                    .matcher(running.out.toString());
            assertThat(m.find()).as(running.out.toString()).isTrue();
            port = Integer.parseInt(m.group(1));
        }

        Run stop() throws Exception {
            return running.stop();
        }

        @Override
        public void close() {
            running.close();
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
    void echoServerEchoesAndAStopPrintsItsSummary() throws Exception {
        try (Server server = new Server("echo-server")) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write("hello, echo".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello, echo");
            }
            Run r = server.stop();
            assertThat(r.out()).endsWith("echo-server: stopping\necho-server: served 1 connection, echoed 11 bytes\n");
        }
    }

    @Test
    void httpServerAnswersPlaintextAndJson() throws Exception {
        try (Server server = new Server("http-server", "--max-connections=16")) {
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
            assertThat(server.stop().out()).containsPattern("http-server: stopping\n"
                    + "http-server: served \\d+ connections?, 2 requests, received [1-9][\\d,]* bytes, sent [1-9][\\d,]* bytes;"
                    + " refused 0 connections at the limit; closed 0 by a timeout\n$");
        }
    }

    @Test
    void aStoppedTickerPrintsTheTicksItReceived() throws Exception {
        try (Running ticker = new Running("ticker", "--period", "10ms", "--count", "1000000", "--work", "1h")) {
            ticker.await("ticker: tick "); // its consumer now works on that tick "for an hour": the stop cuts it short
            Run r = ticker.stop();
            assertThat(r.out()).containsPattern(
                    "ticker: stopping\nticker: received [\\d,]+ ticks?, [\\d,]+ dropped while the consumer was busy\n$");
        }
    }

    @Test
    void aStoppedPipelinePrintsHowFarItGot() throws Exception {
        // about 25 ms per record: the first progress line (at 10 records) comes soon, the end in minutes
        try (Running pipeline = new Running("pipeline", "--items", "2000", "--rounds", "10000000", "--parallelism", "2")) {
            pipeline.await("pipeline: 0% (10 of 2,000)");
            Run r = pipeline.stop();
            assertThat(r.out()).containsPattern("pipeline: stopping\n"
                    + "pipeline: [\\d,]+ of 2,000 records, parallelism 2, \\d+\\.\\d\\ds, \\d+\\.\\d\\d M records/s, in order: yes\n$");
        }
    }

    @Test
    void aCommandStoppedBeforeItStartsStopsAsSoonAsItStarts() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        ((LongRunning) cli.getSubcommands().get("echo-server").getCommand()).stop();
        assertThat(cli.execute("echo-server")).isZero();
        assertThat(out.toString()).containsPattern("echo-server: listening on 127\\.0\\.0\\.1:\\d+ \\(Ctrl-C to stop\\)\n"
                + "echo-server: stopping\necho-server: served 0 connections, echoed 0 bytes\n$");
    }
}

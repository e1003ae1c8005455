package io.moirai.benchmarks.beyond;

import static io.moirai.benchmarks.beyond.BeyondJmh.*;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The {@link IdleClients} process. */
final class Helper implements AutoCloseable {
    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;

    Helper() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), IdleClients.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    String call(String command) throws IOException {
        in.write(command);
        in.newLine();
        in.flush();
        String answer = out.readLine();
        if (answer == null || answer.startsWith("error")) {
            throw new IOException("client helper: " + command + " -> " + answer);
        }
        return answer;
    }

    @Override
    public void close() {
        try {
            call("close");
        } catch (IOException ignored) {
            // it may have died already
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

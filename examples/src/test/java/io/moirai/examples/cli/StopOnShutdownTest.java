package io.moirai.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.examples.Main;
import io.moirai.examples.WatchedWriter;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The shutdown hook's work, called directly (the JVM's own shutdown is {@code SignalTest}'s): it stops
 * the running command, waits for its summary and exit code, and only then ends the JVM with that code.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StopOnShutdownTest {

    @Test
    void stopsTheRunningServerWaitsForItsSummaryThenHaltsWithItsCode() throws Exception {
        WatchedWriter out = new WatchedWriter();
        CommandLine cli = Main.commandLine(new PrintWriter(out, true), new PrintWriter(new WatchedWriter(), true));
        CompletableFuture<String> haltedAfter = new CompletableFuture<>(); // what had been printed at the halt
        CompletableFuture<Integer> haltedWith = new CompletableFuture<>();
        StopOnShutdown stop = new StopOnShutdown(cli, code -> {
            haltedAfter.complete(out.toString());
            haltedWith.complete(code);
        });
        Thread main = new Thread(() -> stop.exited(cli.execute("http-server")), "main");
        main.start();
        out.when("http-server: listening on ").get(20, TimeUnit.SECONDS);

        Thread hook = new Thread(stop::onShutdown, "hook");
        hook.start();
        assertThat(haltedWith.get(20, TimeUnit.SECONDS)).isZero();
        assertThat(haltedAfter.get()).containsPattern("http-server: stopping\n"
                + "http-server: served 0 connections, 0 requests, received 0 bytes, sent 0 bytes;"
                + " refused 0 connections at the limit; closed 0 by a timeout\n$");
        hook.join(TimeUnit.SECONDS.toMillis(20));
        main.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(hook.isAlive()).isFalse();
        assertThat(main.isAlive()).isFalse();
    }

    @Test
    void leavesACommandThatIsNotLongRunningAlone() {
        CommandLine cli = Main.commandLine(new PrintWriter(new WatchedWriter(), true), new PrintWriter(new WatchedWriter(), true));
        CompletableFuture<Integer> halted = new CompletableFuture<>();
        StopOnShutdown stop = new StopOnShutdown(cli, halted::complete);
        assertThat(cli.execute("--version")).isZero(); // the top command: not LongRunning
        stop.onShutdown(); // returns at once, without waiting for an exit or halting
        assertThat(halted).isNotDone();
    }
}

package io.moirai.examples.scale;

import io.moirai.examples.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;

/** Runs the examples' command line in this JVM for the scale-out tests. Any thread. */
final class Cli {

    /** What a command printed and returned. */
    record Run(int status, String out, String err) {}

    private Cli() {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }

    /** Runs a command on a thread of its own. */
    static CompletableFuture<Run> start(String... args) {
        CompletableFuture<Run> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                done.complete(run(args));
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "cli-" + args[0]);
        t.setDaemon(true);
        t.start();
        return done;
    }
}

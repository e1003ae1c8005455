package io.moirai.examples.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.ParseResult;

/**
 * Ends a {@link LongRunning} command cleanly when the JVM is asked to stop (Ctrl-C's SIGINT, SIGTERM,
 * SIGHUP): a JVM shutdown hook calls the running command's {@link LongRunning#stop()}, waits (up to
 * {@link #GRACE}) for the command to print its summary, close its runtime and return its exit code,
 * then ends the JVM with that code (0 for a clean stop) instead of the signal's 130 or 143. That last
 * step is {@link Runtime#halt}, the only way a hook can choose the exit code, so shutdown hooks the JVM
 * would run after this one do not run (the examples register none). A command that is not
 * {@code LongRunning} (the demo) is not waited for: the JVM ends as it would without the hook.
 *
 * <p>Use: {@link #install} before {@code execute}, {@link #exited} with its result. Thread-safe: the
 * hook runs on its own thread while the command runs on the caller's.
 */
public final class StopOnShutdown {

    /** How long the hook waits for a stopped command to finish before letting the JVM end anyway. */
    static final Duration GRACE = Duration.ofSeconds(20);

    private final PrintWriter err;
    private final IntConsumer halt;
    private final CountDownLatch exited = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onShutdown, "moirai-examples-stop");
    private volatile Object running;
    private volatile int status;

    /**
     * Watches {@code cli}'s executions (without registering a hook: see {@link #install}).
     *
     * @param cli the command line whose parsed command is the one to stop
     * @param halt ends the JVM with an exit code ({@code Runtime.getRuntime()::halt}; tests record it)
     */
    StopOnShutdown(CommandLine cli, IntConsumer halt) {
        this.err = cli.getErr();
        this.halt = halt;
        IExecutionStrategy inner = cli.getExecutionStrategy();
        cli.setExecutionStrategy(parsed -> {
            ParseResult last = parsed;
            while (last.hasSubcommand()) {
                last = last.subcommand();
            }
            running = last.commandSpec().userObject();
            return inner.execute(parsed);
        });
    }

    /**
     * Registers the shutdown hook for the commands {@code cli} executes.
     *
     * @param cli the command line, with its output and error writers set
     * @return the hook's handle, to tell it when the command returned
     */
    public static StopOnShutdown install(CommandLine cli) {
        StopOnShutdown s = new StopOnShutdown(cli, Runtime.getRuntime()::halt);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /**
     * The command returned: a hook already running ends the JVM with {@code code}; otherwise the hook
     * is removed, and the caller exits as usual.
     *
     * @param code the command's exit code
     */
    public void exited(int code) {
        status = code;
        exited.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it ends the JVM with the code
        }
    }

    /** The hook's work (called directly by tests). */
    void onShutdown() {
        if (!(running instanceof LongRunning command)) {
            return; // nothing to wind down: the JVM ends as it would without this hook
        }
        command.stop();
        try {
            if (exited.await(GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
                System.out.flush();
                System.err.flush();
                halt.accept(status);
            } else {
                err.println("the command did not stop within " + Durations.format(GRACE) + "; exiting anyway");
                err.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.moirai.examples;

import io.moirai.examples.cli.DemoCommand;
import io.moirai.examples.cli.EchoServerCommand;
import io.moirai.examples.cli.HttpServerCommand;
import io.moirai.examples.cli.LongRunning;
import io.moirai.examples.cli.PipelineCommand;
import io.moirai.examples.cli.StopOnShutdown;
import io.moirai.examples.cli.ScaleCoordinatorCommand;
import io.moirai.examples.cli.ScaleDemoCommand;
import io.moirai.examples.cli.ScaleWorkerCommand;
import io.moirai.examples.cli.TickerCommand;
import io.moirai.examples.cli.Version;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The examples jar's command line ({@code java -jar examples/target/moirai-examples.jar [command]}):
 * {@code demo} (the default), {@code echo-server}, {@code http-server}, {@code pipeline},
 * {@code ticker}, and the scale-out example's {@code scale-worker}, {@code scale-coordinator} and
 * {@code scale-demo}, each with {@code --help}.
 *
 * <p>Exit codes: 0 success, also for a long-running command stopped by Ctrl-C or SIGTERM (it prints
 * its summary first); 1 a step of the command failed; 2 bad usage (unknown command or option, a bad
 * value: the message says which, followed by the usage; checked before anything starts).
 */
@Command(name = "moirai-examples", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Runnable examples of the Moirai runtime. Without a command, runs the demo tour.",
        subcommands = {DemoCommand.class, EchoServerCommand.class, HttpServerCommand.class,
                PipelineCommand.class, TickerCommand.class,
                ScaleWorkerCommand.class, ScaleCoordinatorCommand.class, ScaleDemoCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    /**
     * Runs a command and exits with its code. Ctrl-C or SIGTERM stops a long-running command cleanly
     * (its summary, then exit 0): see {@link StopOnShutdown}.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        CommandLine cli = commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        StopOnShutdown stop = StopOnShutdown.install(cli);
        int status = cli.execute(args);
        stop.exited(status);
        System.exit(status);
    }

    /**
     * Runs a command in this JVM (tests call this).
     *
     * @param out standard output
     * @param err standard error
     * @param args the command line
     * @return the exit code
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err).execute(args);
    }

    /**
     * @param out standard output
     * @param err standard error
     * @return the command line, ready to execute; its subcommands' objects are in place (tests reach
     *     them through {@code getSubcommands()} to call {@link LongRunning#stop()})
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandName() + ": " + ex);
            commandLine.getErr().flush();
            return 1;
        });
        return cli;
    }

    @Spec
    CommandSpec spec;

    /** No command given: the demo. */
    @Override
    public Integer call() {
        CommandLine cli = spec.commandLine();
        return new CommandLine(new DemoCommand()).setOut(cli.getOut()).setErr(cli.getErr())
                .setExecutionExceptionHandler(cli.getExecutionExceptionHandler()).execute();
    }
}

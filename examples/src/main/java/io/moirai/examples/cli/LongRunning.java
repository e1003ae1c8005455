package io.moirai.examples.cli;

/**
 * A command that runs until it is done or told to stop: the servers (until {@code --duration} or a
 * stop), {@code pipeline} and {@code ticker} (however many items or ticks were asked for).
 * {@link StopOnShutdown} calls {@link #stop()} when the JVM is asked to stop (Ctrl-C, SIGTERM).
 */
public interface LongRunning {

    /**
     * Makes the command wind down as if it had reached its end: it prints a {@code stopping} line and
     * the summary it always prints, closes its runtime, and returns 0. Returns at once (the command's
     * own thread does the work); any thread; idempotent. Called before the command starts, it stops
     * as soon as it starts; called after it ended, it does nothing.
     */
    void stop();
}

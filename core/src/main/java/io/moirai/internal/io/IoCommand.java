package io.moirai.internal.io;

/**
 * Something an {@link IoDriver} applies on its own thread: a timer to insert or remove, a channel
 * whose registration or interest set changed.
 *
 * <p>Threads: any thread hands a command to {@link IoDriver#execute}; the driver calls exactly one of
 * the two methods per hand-over, on its own thread ({@link #apply}) or, once it has stopped, on the
 * thread that finds it stopped ({@link #abandon}). A command may be handed over again while queued;
 * it must then tolerate being applied twice.
 */
public interface IoCommand {

    /**
     * Applies the command. Driver thread only. Must not throw.
     *
     * @param driver the driver applying it
     */
    void apply(IoDriver driver);

    /**
     * The driver stopped and will never apply the command: release what it holds, end it cancelled.
     * Must not throw.
     *
     * @return {@code true} if this call ended something that was still pending
     */
    boolean abandon();
}

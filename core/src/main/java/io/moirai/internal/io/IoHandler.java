package io.moirai.internal.io;

import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectionKey;

/**
 * A channel served by one {@link IoDriver}: the selector's key attachment and the driver's command
 * for that channel's changes.
 *
 * <p><b>Protocol.</b> Any thread asks for a change with {@link #requestUpdate(int)}, which ORs
 * subclass-defined bits into {@code pending}; the call that finds {@code pending} zero hands the
 * handler to the driver, so a burst of requests costs one queue entry and at most one selector
 * wake-up. The driver takes all bits at once ({@link #apply}) and calls {@link #update(int)}; a bit
 * set after that take hands the handler over again. Everything else - {@link #ready(int)},
 * {@link #update(int)}, {@link #shutdown(Throwable)}, the key - belongs to the driver thread.
 */
public abstract class IoHandler implements IoCommand {

    private static final VarHandle PENDING = VarHandles.field(MethodHandles.lookup(), "pending", int.class);

    /** The driver serving this channel. */
    protected final IoDriver driver;
    /** The channel's key once registered; driver thread only. */
    protected SelectionKey key;
    @SuppressWarnings("unused") // accessed through PENDING
    private volatile int pending;

    /** @param driver the driver that will serve the channel */
    protected IoHandler(IoDriver driver) {
        this.driver = driver;
    }

    /**
     * Asks the driver to apply {@code bits} on its thread. Any thread.
     *
     * @param bits non-zero, subclass-defined
     */
    protected final void requestUpdate(int bits) {
        int prev = (int) PENDING.getAndBitwiseOr(this, bits);
        if (prev == 0) {
            driver.execute(this);
        }
    }

    @Override
    public final void apply(IoDriver d) {
        int bits = (int) PENDING.getAndSet(this, 0);
        if (bits != 0) {
            try {
                update(bits);
            } catch (Throwable t) {
                failed(t);
            }
        }
    }

    /**
     * The driver stopped before applying this handler's changes: shut it down, then let it finish
     * what the changes it will never apply promised ({@link #unapplied}).
     */
    @Override
    public final boolean abandon() {
        int bits = (int) PENDING.getAndSet(this, 0);
        shutdown(new java.util.concurrent.CancellationException("the runtime shut down"));
        if (bits != 0) {
            unapplied(bits);
        }
        return true;
    }

    /**
     * The driver stopped with {@code bits} requested and never applied: settle what they were for (a
     * subscriber waiting to be attached must still hear how its stream ended, §1.4). Called once, on
     * the thread that found the driver stopped, after {@link #shutdown}. Does nothing by default.
     *
     * @param bits the bits requested and not applied
     */
    protected void unapplied(int bits) {
        // nothing waits on an update by default
    }

    /**
     * Applies requested changes. Driver thread.
     *
     * @param bits the bits requested since the last call
     */
    protected abstract void update(int bits);

    /**
     * The selector found the channel ready. Driver thread.
     *
     * @param readyOps the key's ready set
     */
    protected abstract void ready(int readyOps);

    /**
     * The driver stops: close the channel and end whatever is pending with {@code cause}. Driver
     * thread (or the thread that finds the driver stopped).
     *
     * @param cause why
     */
    protected abstract void shutdown(Throwable cause);

    /**
     * An unexpected error escaped {@link #update} or {@link #ready}: the channel closes with it (what
     * is pending ends with it), and it is reported to the dropped-error handler, since no caller will
     * see it otherwise. Driver thread.
     *
     * @param error what escaped
     */
    protected final void failed(Throwable error) {
        closeWith(error);
        driver.dropped().report(error);
    }

    /**
     * Closes the channel with {@code cause}, which whatever is pending ends with; does nothing if it
     * was closed already (the first cause stays). Any thread.
     *
     * @param cause why
     */
    protected abstract void closeWith(Throwable cause);

    /**
     * Sets or clears interest bits on the key, skipping the system call when nothing changes. Driver
     * thread; does nothing before registration or after the key was cancelled.
     *
     * @param ops the {@code SelectionKey.OP_*} bits
     * @param on whether to set or clear them
     */
    protected final void interest(int ops, boolean on) {
        SelectionKey k = key;
        if (k == null || !k.isValid()) {
            return;
        }
        int current = k.interestOps();
        int next = on ? current | ops : current & ~ops;
        if (next != current) {
            k.interestOps(next);
        }
    }
}

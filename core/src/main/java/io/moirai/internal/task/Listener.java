package io.moirai.internal.task;

import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A node on a task's stack of observers: a joining thread, a subscriber's subscription or a
 * {@code CompletableFuture} view. Pushed with a CAS by any thread; popped all at once by the thread
 * that completes the task, which then calls {@link #taskDone} exactly once per node. A node that
 * stopped caring (a cancelled subscription, a timed-out join) reports {@link #isDead()} and is
 * unlinked by {@link TaskCore#purgeDeadListeners()}.
 */
abstract class Listener {

    static final VarHandle NEXT = VarHandles.field(MethodHandles.lookup(), "next", Listener.class);

    @SuppressWarnings("unused") // accessed through NEXT
    private Listener next;

    final Listener next() {
        return (Listener) NEXT.getAcquire(this);
    }

    final void setNextPlain(Listener n) {
        NEXT.set(this, n);
    }

    final void setNextVolatile(Listener n) {
        NEXT.setVolatile(this, n);
    }

    /**
     * Called once, by the thread that completed the task (or the thread that found it completed).
     * Must not throw.
     */
    abstract void taskDone(TaskCore<?> task);

    /** @return {@code true} once this node no longer needs the signal */
    abstract boolean isDead();
}

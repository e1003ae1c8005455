package io.moirai.internal.task;

import java.util.concurrent.locks.LockSupport;

/** A thread parked in {@code join}; woken when the task completes. */
final class JoinWaiter extends Listener {

    private volatile Thread thread;

    JoinWaiter(Thread thread) {
        this.thread = thread;
    }

    @Override
    void taskDone(TaskCore<?> task) {
        Thread t = thread;
        if (t != null) {
            thread = null;
            LockSupport.unpark(t);
        }
    }

    /** The joiner gave up (timeout). */
    void abandon() {
        thread = null;
    }

    @Override
    boolean isDead() {
        return thread == null;
    }
}

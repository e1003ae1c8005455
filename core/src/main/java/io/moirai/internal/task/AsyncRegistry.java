package io.moirai.internal.task;

import java.util.ArrayList;
import java.util.List;

/**
 * The async tasks whose stage is pending, so that a shutdown can cancel them: intrusive doubly linked
 * lists (the links live in {@link AsyncTask}, no node is allocated), split into stripes with one lock
 * each so that concurrent spawns rarely contend. A task's stripe follows from its identity hash, so
 * the task stores nothing but its two links; it is linked exactly when it is its stripe's head or has
 * a predecessor, which is read under the stripe's lock.
 *
 * <p>Threads: any thread may {@link #add}, {@link #remove} and {@link #cancelAll}. A task added after
 * {@code cancelAll} started is refused ({@code add} returns false after linking it, and the caller
 * cancels it), so no pending task escapes a shutdown.
 */
public final class AsyncRegistry {

    private static final class Stripe {
        AsyncTask<?> head;
        int size;
    }

    private final Stripe[] stripes;
    private final int mask;
    private volatile boolean closed;

    /** Creates a registry with a stripe count suited to the machine. */
    public AsyncRegistry() {
        int n = Integer.highestOneBit(Math.max(4, Runtime.getRuntime().availableProcessors() * 4 - 1) * 2);
        stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe();
        }
        mask = n - 1;
    }

    /**
     * Links a task whose stage is now pending.
     *
     * @return {@code false} if the registry is closed (the caller must cancel the task)
     */
    boolean add(AsyncTask<?> task) {
        Stripe s = stripeOf(task);
        synchronized (s) {
            task.prev = null;
            task.next = s.head;
            if (s.head != null) {
                s.head.prev = task;
            }
            s.head = task;
            s.size++;
        }
        return !closed;
    }

    /** Unlinks a task that ended; a task that was never linked is ignored. */
    void remove(AsyncTask<?> task) {
        Stripe s = stripeOf(task);
        synchronized (s) {
            if (task.prev == null && s.head != task) {
                return; // never linked, or unlinked already
            }
            if (task.prev != null) {
                task.prev.next = task.next;
            } else {
                s.head = task.next;
            }
            if (task.next != null) {
                task.next.prev = task.prev;
            }
            task.prev = null;
            task.next = null;
            s.size--;
        }
    }

    private Stripe stripeOf(AsyncTask<?> task) {
        int h = System.identityHashCode(task);
        return stripes[(h ^ (h >>> 16)) & mask];
    }

    /** Closes the registry and cancels every pending task (each cancel unlinks its task). */
    public void cancelAll() {
        closed = true;
        for (Stripe s : stripes) {
            List<AsyncTask<?>> pending;
            synchronized (s) {
                pending = new ArrayList<>(s.size);
                for (AsyncTask<?> t = s.head; t != null; t = t.next) {
                    pending.add(t);
                }
            }
            for (AsyncTask<?> t : pending) {
                t.cancel();
            }
        }
    }

    /** @return the number of pending async tasks (a snapshot) */
    public int size() {
        int n = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                n += s.size;
            }
        }
        return n;
    }
}

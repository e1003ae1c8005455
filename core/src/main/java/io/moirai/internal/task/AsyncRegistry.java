package io.moirai.internal.task;

import java.util.ArrayList;
import java.util.List;

/**
 * The async tasks of one runtime that have not ended, so that a shutdown can cancel them: intrusive
 * doubly linked lists (the links live in {@link AsyncTask}, no node is allocated), split into stripes
 * so that concurrent spawns rarely contend.
 *
 * <p>A task stores nothing but its two links, not even its registry: its stripe index follows from its
 * identity hash, stripe {@code i} of every registry is guarded by the same JVM-wide lock
 * {@code LOCKS[i]}, and a task's {@code prev} is the {@link Stripe} itself when the task is the head.
 * So a task unlinks itself ({@link #remove}) knowing only itself, which keeps a pending async task at
 * three reference fields of its own. A task is linked exactly when its {@code prev} is non-null, which is
 * read under the lock.
 *
 * <p>Threads: any thread may {@link #add}, {@link #remove} and {@link #cancelAll}. A task added after
 * {@code cancelAll} started is refused ({@code add} returns false after linking it, and the caller
 * cancels it), so no pending task escapes a shutdown.
 */
public final class AsyncRegistry {

    /** The head of one stripe's list; a head task's {@code prev}. */
    static final class Stripe {
        AsyncTask<?> head;
    }

    private static final int STRIPES = Integer.highestOneBit(
            Math.max(4, Runtime.getRuntime().availableProcessors() * 4 - 1) * 2);
    private static final Object[] LOCKS = new Object[STRIPES];

    static {
        for (int i = 0; i < STRIPES; i++) {
            LOCKS[i] = new Object();
        }
    }

    private final Stripe[] stripes = new Stripe[STRIPES];
    private volatile boolean closed;

    /** Creates an empty registry. */
    public AsyncRegistry() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /**
     * Links a task that has not ended yet.
     *
     * @return {@code false} if the registry is closed (the caller must cancel the task)
     */
    boolean add(AsyncTask<?> task) {
        int i = indexOf(task);
        synchronized (LOCKS[i]) {
            Stripe s = stripes[i];
            AsyncTask<?> first = s.head;
            task.prev = s;
            task.next = first;
            if (first != null) {
                first.prev = task;
            }
            s.head = task;
        }
        return !closed;
    }

    /** Unlinks a task that ended, from whichever registry holds it; a task not linked is ignored. */
    static void remove(AsyncTask<?> task) {
        synchronized (LOCKS[indexOf(task)]) {
            Object p = task.prev;
            if (p == null) {
                return; // never linked, or unlinked already
            }
            AsyncTask<?> n = task.next;
            if (p instanceof Stripe s) {
                s.head = n;
            } else {
                ((AsyncTask<?>) p).next = n;
            }
            if (n != null) {
                n.prev = p;
            }
            task.prev = null;
            task.next = null;
        }
    }

    private static int indexOf(AsyncTask<?> task) {
        int h = System.identityHashCode(task);
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    /** Closes the registry and cancels every task in it (each cancel unlinks its task). */
    public void cancelAll() {
        closed = true;
        for (int i = 0; i < STRIPES; i++) {
            List<AsyncTask<?>> pending = new ArrayList<>();
            synchronized (LOCKS[i]) {
                for (AsyncTask<?> t = stripes[i].head; t != null; t = t.next) {
                    pending.add(t);
                }
            }
            for (AsyncTask<?> t : pending) {
                t.cancel();
            }
        }
    }

    /** @return whether no task is linked (a snapshot, stripe by stripe; for tests and diagnostics) */
    public boolean isEmpty() {
        for (int i = 0; i < STRIPES; i++) {
            synchronized (LOCKS[i]) {
                if (stripes[i].head != null) {
                    return false;
                }
            }
        }
        return true;
    }
}

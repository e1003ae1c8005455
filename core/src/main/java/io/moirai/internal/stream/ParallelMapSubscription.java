package io.moirai.internal.stream;

import io.moirai.internal.flow.Subscriptions;
import io.moirai.internal.runtime.RuntimeCore;
import io.moirai.internal.util.VarHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Function;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * One subscriber's {@code Streams.parallelMap} ({@link ParallelMapPublisher}).
 *
 * <p><b>The window.</b> Two rings of {@code window} slots (a power of two, at least sixteen times the
 * parallelism and at least {@value #MIN_WINDOW}): {@code items[i & mask]} holds the source's
 * {@code i}-th item until a runner takes it, {@code results[i & mask]} holds its mapped value until
 * the drain emits it. Three counters order everything: {@code received} (the source's
 * {@code onNext}, serial by §1.3, writes the slot then releases the counter), {@code claimed}
 * (runners take the next item with a CAS), and {@code emitted} (the drain, which publishes it as
 * {@code consumed}). Upstream is asked for {@code window} items first and then for what the drain
 * freed, in batches of half the window, so the source never has more than
 * {@code window} items here: memory is bounded whatever the mapper's speed.
 *
 * <p><b>Runners.</b> At most {@code parallelism} runner jobs exist ({@code runners}, CAS-bounded);
 * each loops taking the next received item, mapping it and storing the result (release), then
 * signals the drain, running it in place when no drain is queued (the runner is a worker, so
 * delivery stays on the workers). A runner that finds no item leaves: it decrements
 * {@code runners}, fences and looks once more, and the source's {@code onNext} fences after
 * publishing an item and starts a runner if fewer than {@code parallelism} run (a Dekker pair: no
 * item is left without a runner). Mapper calls in flight therefore never exceed
 * {@code parallelism}.
 *
 * <p><b>Pulling.</b> When the source is this runtime's own {@code Streams.fromIterable}, the map
 * does not subscribe to it: the drain takes items straight from the iterator into the window
 * (as far as the window has room, on the worker running the drain, as the publisher would), so
 * no turn of the source's and no request hand-shake sits between a freed slot and the next item.
 * An iterator that throws or yields null ends the map with that error, as a failing source would.
 *
 * <p><b>Errors.</b> A mapper that throws (or returns null, §2.13) stops the map: runners stop
 * taking items, the drain cancels the source, drops the window and signals {@code onError}.
 * A source error or completion is delivered after every item received before it was emitted.
 * {@code cancel} stops the runners at their next item and cancels the source.
 *
 * <p>Threads: {@code request}/{@code cancel} any thread; the input's signals on the source's
 * thread (serial); runners on the workers; the drain one thread at a time (see {@link SerialDrain}).
 */
final class ParallelMapSubscription<T, R> extends DrainSubscription<R> {

    static final int MIN_WINDOW = 1024;

    /** Most items a runner claims with one CAS. */
    static final long MAX_CLAIM = 32L;

    /** How long a runner that ran out of items polls for more before it leaves. */
    static final long RUNNER_SPIN_NANOS = Long.getLong("moirai.runnerSpinNanos", 2_000L);

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle RECEIVED = VarHandles.field(MethodHandles.lookup(), "received", long.class);
    private static final VarHandle CLAIMED = VarHandles.field(MethodHandles.lookup(), "claimed", long.class);
    private static final VarHandle RUNNERS = VarHandles.field(MethodHandles.lookup(), "runners", int.class);
    private static final VarHandle ERROR = VarHandles.field(MethodHandles.lookup(), "error", Throwable.class);

    private final Function<? super T, ? extends R> mapper;
    private final int parallelism;
    private final int window;
    private final int mask;
    private final int limit;
    private final Object[] items;
    private final Object[] results;
    final Input input = new Input();

    @SuppressWarnings("unused") private volatile long received;
    @SuppressWarnings("unused") private volatile long claimed;
    @SuppressWarnings("unused") private volatile int runners;
    /** The first mapper or protocol error: ends the map at once. */
    @SuppressWarnings("unused") private volatile Throwable error;
    private volatile long consumed;
    /** The source ended: {@code sourceError} (if any) is written before it. */
    private volatile boolean sourceDone;
    private Throwable sourceError;
    private volatile Subscription upstream;

    /**
     * The drain asked the source for more: the runner whose thread ran that drain yields next.
     * Plain: written by the drain and read by a runner, usually one thread; a stale read only
     * delays or adds one yield.
     */
    private boolean sourceAsked;

    // drain thread only
    private long emitted;
    private long freed;
    /** Pull mode: the iterable whose iterator the drain takes items from; null when subscribed. */
    private volatile Iterable<? extends T> pullItems;
    private java.util.Iterator<? extends T> pullIterator;

    ParallelMapSubscription(RuntimeCore runtime, Function<? super T, ? extends R> mapper, int parallelism,
            Subscriber<? super R> downstream) {
        super(runtime, downstream);
        this.mapper = mapper;
        this.parallelism = parallelism;
        this.window = Math.max(MIN_WINDOW, ceilPow2((long) parallelism * 16L));
        this.mask = window - 1;
        this.limit = window >> 1;
        this.items = new Object[window];
        this.results = new Object[window];
    }

    private static int ceilPow2(long n) {
        long p = Long.highestOneBit(Math.max(1L, n - 1L)) << 1;
        return (int) Math.min(p, 1 << 30);
    }

    private boolean stopped() {
        return isCancelled() || error != null || mustStop();
    }

    // -------------------------------------------------------------- runners

    /** The source side: after publishing an item, make sure a runner will take it. */
    private void ensureRunner() {
        for (;;) {
            int r = runners;
            if (r >= parallelism || claimed >= received) {
                return;
            }
            if (RUNNERS.compareAndSet(this, r, r + 1)) {
                startRunner(false);
                return;
            }
        }
    }

    /**
     * Queues a runner job; the caller already counted it in {@code runners}.
     *
     * @param yielded a runner that used its turn: it goes behind the jobs waiting on this worker
     */
    private void startRunner(boolean yielded) {
        try {
            if (yielded) {
                scheduler.submitYielded(new ParallelMapPublisher.Runner(this));
            } else {
                scheduler.submit(new ParallelMapPublisher.Runner(this));
            }
        } catch (RuntimeException refused) {
            RUNNERS.getAndAdd(this, -1);
            shutDown();
            signal(); // the submission is refused there too: the drain ends the map here
        }
    }

    /**
     * A runner's loop: claim a run of items with one CAS, map them, store the results; when no
     * item is left, wait up to {@link #RUNNER_SPIN_NANOS} for the source, then leave (re-checking
     * once). After {@link SerialDrain#BUDGET} items it requeues itself, so the source and other
     * tasks get turns.
     */
    void runLoop() {
        int mapped = 0;
        for (;;) {
            if (mapped >= BUDGET || sourceAsked) {
                // yield the worker (this runner stays counted): to other tasks after a budget,
                // and at once after the drain, running here, asked the source for more, so that
                // an asynchronous source's turn queued behind us emits before the window runs dry
                sourceAsked = false;
                startRunner(true);
                return;
            }
            long c = claimed;
            long available = received - c;
            if (stopped() || available <= 0L) {
                if (!stopped() && awaitItems()) {
                    continue;
                }
                RUNNERS.getAndAdd(this, -1); // volatile: ordered before the reads below (Dekker)
                if (stopped() || claimed >= received) {
                    return;
                }
                int r = runners;
                if (r >= parallelism || !RUNNERS.compareAndSet(this, r, r + 1)) {
                    return; // another runner is there to take it
                }
                continue;
            }
            // a run of items per CAS: fewer contended CASes and result slots written in runs,
            // small enough that the runners share the window evenly
            long k = Math.min(MAX_CLAIM, Math.max(1L, available / (2L * parallelism)));
            if (!CLAIMED.compareAndSet(this, c, c + k)) {
                continue;
            }
            for (long i = c; i < c + k; i++) {
                if (!mapOne(i)) {
                    RUNNERS.getAndAdd(this, -1);
                    return;
                }
            }
            mapped += (int) k;
        }
    }

    /** Maps item {@code i} (claimed by the caller) into its result slot; false if the map ended. */
    private boolean mapOne(long i) {
        int slot = (int) i & mask;
        @SuppressWarnings("unchecked")
        T item = (T) SLOTS.getAcquire(items, slot);
        SLOTS.setRelease(items, slot, null);
        if (item == null || stopped()) {
            return false; // the map ended and dropped its window
        }
        Object result;
        try {
            result = mapper.apply(item);
            if (result == null) {
                throw new NullPointerException("§2.13: the mapper returned null for item " + i);
            }
        } catch (Throwable t) {
            ERROR.compareAndSet(this, null, t); // the first error wins
            signalHere();
            return false;
        }
        // volatile store: ordered before the read of consumed, so either this runner sees that
        // its result is at the head, or the drain (re-checking in hasWork) sees the result
        SLOTS.setVolatile(results, slot, result);
        if (i == consumed) {
            signalHere(); // the result at the head of the window: the drain can emit
        }
        return true;
    }

    /** Polls briefly for the source's next item; true if one (or a stop) arrived. */
    private boolean awaitItems() {
        long deadline = System.nanoTime() + RUNNER_SPIN_NANOS;
        do {
            for (int spin = 0; spin < 32; spin++) {
                if (received > claimed || stopped()) {
                    return true;
                }
                Thread.onSpinWait();
            }
        } while (System.nanoTime() - deadline < 0L);
        return false;
    }

    // -------------------------------------------------------------- pulling

    /** Takes items from {@code items}' iterator in the drain instead of subscribing to a source. */
    void pullFrom(Iterable<? extends T> items) {
        pullItems = items; // a volatile write before signal (see SerialDrain)
        signal();          // the first turn fills the window (an empty iterable completes)
    }

    /**
     * Drain thread, pull mode: fills the window's free slots from the iterator, publishing items as
     * the source's {@code onNext} would, and starts runners for them; at the iterator's end (or
     * its error) marks the source done.
     */
    private void pull() {
        long i = received;
        long end = emitted + window; // every slot up to here is free: emitted == consumed
        try {
            if (pullIterator == null) {
                pullIterator = pullItems.iterator();
                if (pullIterator == null) {
                    throw new NullPointerException("the iterable returned a null iterator");
                }
            }
            while (i < end && !stopped()) {
                if (!pullIterator.hasNext()) {
                    sourceDone = true;
                    break;
                }
                T item = pullIterator.next();
                if (item == null) {
                    throw new NullPointerException("§2.13: the iterable produced a null element");
                }
                SLOTS.setRelease(items, (int) i & mask, item);
                i++;
                if (runners < parallelism) {
                    RECEIVED.setVolatile(this, i); // ordered before ensureRunner's reads (Dekker)
                    ensureRunner();
                } else {
                    // every runner is running: they see it; one that leaves meanwhile is
                    // covered by the volatile publication and ensureRunner after the loop
                    RECEIVED.setRelease(this, i);
                }
            }
        } catch (Throwable t) {
            sourceError = t; // written before sourceDone, read after it
            sourceDone = true;
        }
        RECEIVED.setVolatile(this, i);
        ensureRunner();
    }

    // -------------------------------------------------------------- drain

    @Override
    boolean drain(int budget) {
        if (isDone()) {
            return false;
        }
        Subscriber<? super R> s = downstream();
        Throwable stop = error;
        if (stop == null) {
            stop = stopError();
        }
        if (isCancelled() || stop != null) {
            end(stop, !isCancelled()); // a plain cancel signals nothing (§3.7)
            return false;
        }
        long r = requested();
        long e = 0L;
        long idx = emitted;
        while (e != budget) {
            if (e == r) {
                r = requested();
                if (e == r) {
                    break;
                }
            }
            int slot = (int) idx & mask;
            Object result = SLOTS.getAcquire(results, slot);
            if (result == null) {
                break;
            }
            SLOTS.setRelease(results, slot, null);
            idx++;
            e++;
            try {
                @SuppressWarnings("unchecked")
                R value = (R) result;
                s.onNext(value);
            } catch (Throwable t) {
                scheduler.dropped().report(t); // §2.13: the subscriber is broken
                emitted = idx;
                markCancelled();
                end(null, false);
                return false;
            }
            if (isCancelled() || error != null) {
                break;
            }
        }
        emitted = idx;
        consumed = idx;
        if (pullItems != null) {
            if (!sourceDone && (received == 0L || window - (received - idx) >= limit)) {
                pull();
            }
            if (e != 0L) {
                produced(e);
                if (e == budget) {
                    return true;
                }
            }
        } else if (e != 0L) {
            produced(e);
            freed += e;
            Subscription up = upstream;
            if (freed >= limit && up != null && !sourceDone) {
                long n = freed;
                freed = 0L;
                sourceAsked = true;
                up.request(n);
            }
            if (e == budget) {
                return true;
            }
        }
        if (sourceDone && idx == received && error == null && !isCancelled()) {
            end(sourceError, true);
            return false;
        }
        return false;
    }

    @Override
    boolean hasWork() {
        if (isDone()) {
            return false;
        }
        if (isCancelled() || error != null || mustStop()) {
            return true;
        }
        long idx = emitted;
        if (sourceDone && idx == received) {
            return true;
        }
        if (pullItems != null && !sourceDone && (received == 0L || window - (received - idx) >= limit)) {
            return true; // the window has room to pull into
        }
        return requested() != 0L && SLOTS.getAcquire(results, (int) idx & mask) != null;
    }

    @Override
    boolean abort(Throwable t) {
        ERROR.compareAndSet(this, null, t); // runners stop at their next item
        return super.abort(t);
    }

    /** The map ended: cancels the source unless it ended, drops the window. */
    @Override
    void release() {
        Subscription up = upstream;
        upstream = Subscriptions.CANCELLED;
        if (!sourceDone && up != null && up != Subscriptions.CANCELLED) {
            // the source stops before the subscriber hears the error
            Subscriptions.cancelQuietly(up, scheduler.dropped()::report);
        }
        java.util.Arrays.fill(results, null);
        java.util.Arrays.fill(items, null); // a runner may still hold one item, briefly
        pullItems = null; // §3.13
        pullIterator = null;
    }

    // -------------------------------------------------------------- upstream

    /** The subscriber to the source: serial signals (§1.3) on the source's threads. */
    final class Input implements Subscriber<T> {

        @Override
        public void onSubscribe(Subscription s) {
            Objects.requireNonNull(s, "§2.13 violated: onSubscribe(null)");
            if (upstream != null) {
                Subscriptions.refuse(s, "the input of Streams.parallelMap", "already has a source",
                        scheduler.dropped()::report);
                return;
            }
            upstream = s;
            if (stopped()) {
                upstream = Subscriptions.CANCELLED;
                Subscriptions.cancelQuietly(s, scheduler.dropped()::report);
                return;
            }
            try {
                s.request(window);
            } catch (Throwable t) {
                // §3.16: request must return normally; a source that throws ends the map with it
                ERROR.compareAndSet(ParallelMapSubscription.this, null, t);
                signal();
            }
        }

        @Override
        public void onNext(T item) {
            Objects.requireNonNull(item, "§2.13 violated: onNext(null)");
            if (stopped()) {
                return; // ended: the source was (or is being) cancelled
            }
            long i = received;
            if (i - consumed >= window) {
                ERROR.compareAndSet(ParallelMapSubscription.this, null,
                        new IllegalStateException("§1.1 violated: the source emitted more than was requested"));
                signal();
                return;
            }
            SLOTS.setRelease(items, (int) i & mask, item);
            // volatile: ordered before ensureRunner's read of runners (Dekker with a leaving runner)
            RECEIVED.setVolatile(ParallelMapSubscription.this, i + 1L);
            ensureRunner();
        }

        @Override
        public void onError(Throwable t) {
            Objects.requireNonNull(t, "§2.13 violated: onError(null)");
            sourceError = t;
            sourceDone = true;
            signal();
        }

        @Override
        public void onComplete() {
            sourceDone = true;
            signal();
        }
    }
}

package io.moirai.internal.stream;

import io.moirai.internal.runtime.RuntimeCore;
import java.util.Iterator;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;

/**
 * {@code Streams.fromIterable}: a cold publisher; each subscriber gets its own iterator, advanced on
 * the compute workers only as far as the subscriber's demand, at most {@link SerialDrain#BUDGET}
 * items per turn so one subscriber cannot hold a worker.
 *
 * <p>Threads: {@code subscribe} from any thread; the iterable's {@code iterator()}, {@code hasNext()}
 * and {@code next()} are called on the compute workers, one call at a time.
 *
 * @param <T> the item type
 */
public final class IterablePublisher<T> implements Publisher<T> {

    private final RuntimeCore runtime;
    private final Iterable<? extends T> items;

    /**
     * @param runtime the runtime whose workers emit
     * @param items the items
     */
    public IterablePublisher(RuntimeCore runtime, Iterable<? extends T> items) {
        this.runtime = runtime;
        this.items = items;
    }

    @Override
    public void subscribe(Subscriber<? super T> s) {
        IterableSubscription<T> sub = DrainSubscription.subscribe(runtime, s, rt -> new IterableSubscription<>(rt, items, s));
        if (sub != null) {
            sub.start();
        }
    }

    /**
     * The items, for a consumer on the same runtime's workers that takes them straight from the
     * iterator instead of subscribing ({@code parallelMap} does: it then needs no turn of this
     * publisher's to move items). Such a consumer keeps this publisher's contract: one iterator per
     * subscriber, advanced on the compute workers, one call at a time, only as far as its demand.
     *
     * @return the iterable this publisher iterates
     */
    Iterable<? extends T> items() {
        return items;
    }

    /** @return the runtime whose workers iterate */
    RuntimeCore runtime() {
        return runtime;
    }

    @Override
    public String toString() {
        return "Streams.fromIterable(" + items.getClass().getName() + ")";
    }

    /** One subscriber's iteration: demand and cancellation in the base class, the iterator in the drain. */
    static final class IterableSubscription<T> extends DrainSubscription {

        private Iterable<? extends T> items;
        private Subscriber<? super T> downstream;
        private volatile boolean started;
        // drain thread only
        private Iterator<? extends T> iterator;
        private boolean done;

        IterableSubscription(RuntimeCore runtime, Iterable<? extends T> items, Subscriber<? super T> downstream) {
            super(runtime);
            this.items = items;
            this.downstream = downstream;
        }

        void start() {
            started = true;
            signal(); // the first turn opens the iterator: an empty iterable completes without demand
        }

        @Override
        boolean drain(int budget) {
            if (done) {
                return false;
            }
            if (isCancelled()) {
                finish(null, false);
                return false;
            }
            Throwable stop = stopError();
            if (stop != null) {
                finish(stop, true);
                return false;
            }
            if (!started) {
                return false;
            }
            Subscriber<? super T> s = downstream;
            long r = requested();
            long e = 0L;
            try {
                if (iterator == null) {
                    iterator = items.iterator();
                    if (iterator == null) {
                        throw new NullPointerException("the iterable returned a null iterator");
                    }
                }
                for (;;) {
                    if (!iterator.hasNext()) {
                        produced(e);
                        finish(null, true);
                        return false;
                    }
                    if (e == r) {
                        r = requested();
                        if (e == r) {
                            break;
                        }
                    }
                    if (e == budget) {
                        produced(e);
                        return true;
                    }
                    T item = iterator.next();
                    if (item == null) {
                        throw new NullPointerException("§2.13: the iterable produced a null element");
                    }
                    e++;
                    try {
                        s.onNext(item);
                    } catch (Throwable t) {
                        scheduler.dropped().report(t); // §2.13: the subscriber is broken
                        markCancelled();
                        finish(null, false);
                        return false;
                    }
                    if (isCancelled()) {
                        finish(null, false);
                        return false;
                    }
                }
            } catch (Throwable t) {
                finish(t, true); // the iterable failed
                return false;
            }
            produced(e);
            return false;
        }

        @Override
        boolean abort(Throwable error) {
            if (done) {
                return false;
            }
            boolean told = downstream != null;
            markCancelled();
            finish(error, true);
            return told;
        }

        /** Ends the subscription once: signals the subscriber if asked, releases the references (§3.13). */
        private void finish(Throwable error, boolean signal) {
            done = true;
            unregister();
            Subscriber<? super T> s = downstream;
            downstream = null;
            iterator = null;
            items = null;
            if (signal && s != null) {
                terminate(s, error);
            }
        }

        @Override
        boolean hasWork() {
            if (done) {
                return false;
            }
            return isCancelled() || mustStop() || (started && requested() != 0L);
        }
    }
}

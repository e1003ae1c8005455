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
    static final class IterableSubscription<T> extends DrainSubscription<T> {

        private Iterable<? extends T> items;
        private volatile boolean started;
        // drain thread only
        private Iterator<? extends T> iterator;

        IterableSubscription(RuntimeCore runtime, Iterable<? extends T> items, Subscriber<? super T> downstream) {
            super(runtime, downstream);
            this.items = items;
        }

        void start() {
            started = true;
            signal(); // the first turn opens the iterator: an empty iterable completes without demand
        }

        @Override
        boolean drain(int budget) {
            if (isDone()) {
                return false;
            }
            if (isCancelled()) {
                end(null, false);
                return false;
            }
            Throwable stop = stopError();
            if (stop != null) {
                end(stop, true);
                return false;
            }
            if (!started) {
                return false;
            }
            Subscriber<? super T> s = downstream();
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
                        end(null, true);
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
                        end(null, false);
                        return false;
                    }
                    if (isCancelled()) {
                        end(null, false);
                        return false;
                    }
                }
            } catch (Throwable t) {
                end(t, true); // the iterable failed
                return false;
            }
            produced(e);
            return false;
        }

        @Override
        void release() {
            iterator = null; // §3.13
            items = null;
        }

        @Override
        boolean hasWork() {
            if (isDone()) {
                return false;
            }
            return isCancelled() || mustStop() || (started && requested() != 0L);
        }
    }
}

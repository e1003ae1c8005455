package io.moirai.stream;

import static io.moirai.TestSupport.WAIT;
import static io.moirai.TestSupport.uniquePrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moirai.Moirai;
import io.moirai.TestSubscriber;
import io.moirai.TestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Publisher;

/** Streams.fromIterable and Streams.parallelMap. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamsTest {

    private static final Duration QUIET = Duration.ofMillis(200);

    private Moirai moirai;
    private String prefix;

    @BeforeEach
    void start() {
        prefix = uniquePrefix("streams");
        moirai = Moirai.builder().workerThreads(2).threadNamePrefix(prefix).build();
    }

    @AfterEach
    void stop() {
        moirai.close();
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    // ---------------------------------------------------------------- fromIterable

    @Test
    void fromIterableRejectsBadArguments() {
        assertThatThrownBy(() -> Streams.fromIterable(null, List.of())).isInstanceOf(NullPointerException.class).hasMessageContaining("moirai");
        assertThatThrownBy(() -> Streams.fromIterable(moirai, null)).isInstanceOf(NullPointerException.class).hasMessageContaining("items");
        assertThatThrownBy(() -> Streams.fromIterable(moirai, List.of()).subscribe(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void fromIterableEmitsOnlyWhatIsRequestedOnTheWorkers() throws Exception {
        TestSubscriber<Integer> sub = new TestSubscriber<>(2);
        Streams.fromIterable(moirai, range(5)).subscribe(sub);
        sub.awaitValues(2);
        assertThat(sub.valuesWithin(3, QUIET)).isFalse();
        sub.request(10);
        sub.awaitTerminal();
        assertThat(sub.values()).containsExactly(0, 1, 2, 3, 4);
        assertThat(sub.completions()).isEqualTo(1);
        assertThat(sub.items()).allSatisfy(i -> assertThat(i.thread()).startsWith(prefix));
        assertThat(sub.violations()).isEmpty();
    }

    @Test
    void fromIterableIsColdAndCompletesAnEmptyIterableWithoutDemand() throws Exception {
        Publisher<Integer> p = Streams.fromIterable(moirai, range(3));
        for (int i = 0; i < 2; i++) {
            TestSubscriber<Integer> sub = new TestSubscriber<>(Long.MAX_VALUE);
            p.subscribe(sub);
            sub.awaitTerminal();
            assertThat(sub.values()).containsExactly(0, 1, 2);
        }
        TestSubscriber<Integer> empty = new TestSubscriber<>();
        Streams.fromIterable(moirai, List.<Integer>of()).subscribe(empty);
        empty.awaitTerminal();
        assertThat(empty.completions()).isEqualTo(1);
    }

    @Test
    void fromIterableEmitsInBoundedBatchesSoOneSubscriberCannotHogAWorker() throws Exception {
        // one worker: a second task must get a turn while a huge iterable is being emitted
        try (Moirai one = Moirai.builder().workerThreads(1).threadNamePrefix(uniquePrefix("streams-one")).build()) {
            CountDownLatch otherRan = new CountDownLatch(1);
            AtomicLong emittedWhenOtherRan = new AtomicLong(-1);
            AtomicLong emitted = new AtomicLong();
            CountingSubscriber<Integer> sub = new CountingSubscriber<>(Long.MAX_VALUE) {
                boolean spawned;

                @Override
                public void onNext(Integer v) {
                    emitted.incrementAndGet();
                    if (!spawned) {
                        spawned = true;
                        one.execute(() -> {
                            emittedWhenOtherRan.set(emitted.get());
                            otherRan.countDown();
                        });
                    }
                    super.onNext(v);
                }
            };
            Streams.fromIterable(one, range(200_000)).subscribe(sub);
            sub.await(WAIT);
            assertThat(otherRan.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(emittedWhenOtherRan.get()).as("the other task ran between batches").isLessThan(200_000L);
        }
    }

    /** An endless iterable of 0, 1, 2, ... whose iterator throws "iterator broke" where item {@code n} would come. */
    private static Iterable<Integer> failingAt(int n) {
        return () -> new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (i == n) {
                    throw new IllegalStateException("iterator broke");
                }
                return i++;
            }
        };
    }

    @Test
    void fromIterableFailuresReachTheSubscriber() throws Exception {
        Iterable<Integer> throwing = failingAt(2);
        TestSubscriber<Integer> sub = new TestSubscriber<>(10);
        Streams.fromIterable(moirai, throwing).subscribe(sub);
        assertThat(sub.awaitError()).hasMessage("iterator broke");
        assertThat(sub.values()).containsExactly(0, 1);

        TestSubscriber<Integer> nulls = new TestSubscriber<>(10);
        Streams.fromIterable(moirai, java.util.Arrays.asList(1, null, 3)).subscribe(nulls);
        assertThat(nulls.awaitError()).isInstanceOf(NullPointerException.class).hasMessageContaining("§2.13");
        assertThat(nulls.values()).containsExactly(1);

        TestSubscriber<Integer> noIterator = new TestSubscriber<>(1);
        Iterable<Integer> broken = () -> {
            throw new NoSuchElementException("no iterator");
        };
        Streams.fromIterable(moirai, broken).subscribe(noIterator);
        assertThat(noIterator.awaitError()).hasMessage("no iterator");
    }

    @Test
    void fromIterableRequestZeroSignalsIllegalArgument() throws Exception {
        TestSubscriber<Integer> sub = new TestSubscriber<>();
        Streams.fromIterable(moirai, range(3)).subscribe(sub);
        sub.request(-1);
        assertThat(sub.awaitError()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("§3.9");
    }

    @Test
    void fromIterableCancelStopsIteration() throws Exception {
        AtomicInteger nexts = new AtomicInteger();
        Iterable<Integer> infinite = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                return nexts.incrementAndGet();
            }
        };
        TestSubscriber<Integer> sub = new TestSubscriber<Integer>(Long.MAX_VALUE).onNextDo((s, v) -> {
            if (v == 10) {
                s.cancel();
            }
        });
        Streams.fromIterable(moirai, infinite).subscribe(sub);
        sub.awaitValues(10);
        assertThat(sub.valuesWithin(11, QUIET)).isFalse();
        assertThat(nexts.get()).isEqualTo(10);
    }

    // ---------------------------------------------------------------- parallelMap

    @Test
    void parallelMapRejectsBadArguments() {
        Publisher<Integer> src = Streams.fromIterable(moirai, range(1));
        Function<Integer, Integer> id = x -> x;
        assertThatThrownBy(() -> Streams.parallelMap(null, src, id, 1)).isInstanceOf(NullPointerException.class).hasMessageContaining("moirai");
        assertThatThrownBy(() -> Streams.parallelMap(moirai, null, id, 1)).isInstanceOf(NullPointerException.class).hasMessageContaining("source");
        assertThatThrownBy(() -> Streams.parallelMap(moirai, src, null, 1)).isInstanceOf(NullPointerException.class).hasMessageContaining("mapper");
        assertThatThrownBy(() -> Streams.parallelMap(moirai, src, id, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> Streams.parallelMap(moirai, src, id, -3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-3");
    }

    @Test
    void parallelMapKeepsOrderAndTheParallelismBoundWithRandomDurations() throws Exception {
        int n = 3_000;
        int parallelism = 4;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        Function<Integer, String> mapper = x -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            long spin = ThreadLocalRandom.current().nextLong(20_000); // up to 20 µs of work
            long end = System.nanoTime() + spin;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            if (x % 97 == 0) {
                Thread.yield();
            }
            inFlight.decrementAndGet();
            return "v" + x;
        };
        try (Moirai wide = Moirai.builder().workerThreads(6).threadNamePrefix(uniquePrefix("streams-wide")).build()) {
            CountingSubscriber<String> sub = new CountingSubscriber<>(7);
            Streams.parallelMap(wide, Streams.fromIterable(wide, range(n)), mapper, parallelism).subscribe(sub);
            sub.await(WAIT);
            assertThat(sub.completed()).isTrue();
            assertThat(sub.values()).containsExactlyElementsOf(range(n).stream().map(x -> "v" + x).toList());
            assertThat(maxInFlight.get()).as("mapper calls in flight").isBetween(1, parallelism);
            assertThat(sub.violations).isEmpty();
        }
    }

    @Test
    void parallelMapRequestsFromTheSourceOnlyWhatItCanHold() throws Exception {
        RangeSource source = new RangeSource(1_000_000);
        TestSubscriber<Integer> sub = new TestSubscriber<>(1);
        Streams.parallelMap(moirai, source, x -> x + 1, 2).subscribe(sub);
        sub.awaitValues(1);
        assertThat(sub.valuesWithin(2, QUIET)).isFalse();
        assertThat(source.requested.get()).as("a bounded window, not the whole source").isLessThanOrEqualTo(1024L);
        sub.cancel();
        assertThat(TestSupport.opensWithin(source.cancelled, WAIT)).as("cancel reaches the source").isTrue();
    }

    @Test
    void parallelMapOverFromIterableIteratesOnTheWorkersAndOnlyAWindowAheadOfTheSubscriber() throws Exception {
        AtomicLong pulled = new AtomicLong();
        java.util.Set<Boolean> onWorkers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Iterable<Integer> counted = () -> new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                onWorkers.add(Moirai.isComputeThread(Thread.currentThread()));
                return i < 1_000_000;
            }

            @Override
            public Integer next() {
                pulled.incrementAndGet();
                return i++;
            }
        };
        TestSubscriber<Integer> sub = new TestSubscriber<>(1);
        Streams.parallelMap(moirai, Streams.fromIterable(moirai, counted), x -> x + 1, 2).subscribe(sub);
        sub.awaitValues(1);
        assertThat(sub.valuesWithin(2, QUIET)).isFalse();
        assertThat(pulled.get()).as("a bounded window, not the whole iterable").isLessThanOrEqualTo(1024L);
        sub.request(3000);
        sub.awaitValues(3001);
        assertThat(sub.values()).containsExactlyElementsOf(IntStream.rangeClosed(1, 3001).boxed().toList());
        assertThat(pulled.get()).as("at most a window ahead of what was emitted").isLessThanOrEqualTo(3001L + 1024L);
        assertThat(onWorkers).containsExactly(true);
        sub.cancel();
    }

    @Test
    void parallelMapOverAFailingFromIterableDeliversTheItemsBeforeTheFailure() throws Exception {
        Iterable<Integer> throwing = failingAt(2000);
        CountingSubscriber<Integer> sub = new CountingSubscriber<>(Long.MAX_VALUE);
        Streams.parallelMap(moirai, Streams.fromIterable(moirai, throwing), x -> x, 2).subscribe(sub);
        sub.await(WAIT);
        assertThat(sub.error()).hasMessage("iterator broke");
        assertThat(sub.values()).containsExactlyElementsOf(IntStream.range(0, 2000).boxed().toList());

        TestSubscriber<Integer> nulls = new TestSubscriber<>(10);
        Streams.parallelMap(moirai, Streams.fromIterable(moirai, java.util.Arrays.asList(1, null, 3)), x -> x, 2).subscribe(nulls);
        assertThat(nulls.awaitError()).isInstanceOf(NullPointerException.class).hasMessageContaining("§2.13");
        assertThat(nulls.values()).containsExactly(1);

        TestSubscriber<Integer> noIterator = new TestSubscriber<>(1);
        Iterable<Integer> broken = () -> {
            throw new NoSuchElementException("no iterator");
        };
        Streams.parallelMap(moirai, Streams.fromIterable(moirai, broken), x -> x, 2).subscribe(noIterator);
        assertThat(noIterator.awaitError()).hasMessage("no iterator");

        TestSubscriber<Integer> empty = new TestSubscriber<>(0);
        Streams.parallelMap(moirai, Streams.fromIterable(moirai, List.<Integer>of()), x -> x, 2).subscribe(empty);
        empty.awaitTerminal();
        assertThat(empty.completions()).isEqualTo(1);
    }

    @Test
    void aSourceWhoseRequestThrowsEndsTheMapWithThatError() throws Exception {
        IllegalStateException broke = new IllegalStateException("request broke");
        for (int failingRequest : new int[] {1, 2}) {
            CountDownLatch cancelled = new CountDownLatch(1);
            // emits synchronously what is asked for, but throws at request number failingRequest (§3.16)
            Publisher<Integer> source = s -> s.onSubscribe(new org.reactivestreams.Subscription() {
                int requests;
                int next;

                @Override
                public void request(long n) {
                    if (++requests == failingRequest) {
                        throw broke;
                    }
                    for (long i = 0; i < n; i++) {
                        s.onNext(next++);
                    }
                }

                @Override
                public void cancel() {
                    cancelled.countDown();
                }
            });
            CountingSubscriber<Integer> sub = new CountingSubscriber<>(Long.MAX_VALUE);
            Streams.parallelMap(moirai, source, x -> x, 2).subscribe(sub);
            sub.await(WAIT);
            assertThat(sub.error()).as("request " + failingRequest + " throws").isSameAs(broke);
            assertThat(sub.values()).containsExactlyElementsOf(IntStream.range(0, sub.values().size()).boxed().toList());
            if (failingRequest == 2) {
                assertThat(sub.values()).as("the first window arrived").isNotEmpty();
                assertThat(TestSupport.opensWithin(cancelled, WAIT)).as("the source is cancelled").isTrue();
            }
        }
    }

    @Test
    void aMapperErrorCancelsTheSourceAndReachesTheSubscriber() throws Exception {
        RangeSource source = new RangeSource(Integer.MAX_VALUE);
        CountingSubscriber<Integer> sub = new CountingSubscriber<>(Long.MAX_VALUE);
        Streams.parallelMap(moirai, source, x -> {
            if (x == 500) {
                throw new IllegalStateException("mapper broke at 500");
            }
            return x;
        }, 3).subscribe(sub);
        sub.await(WAIT);
        assertThat(sub.error()).hasMessage("mapper broke at 500");
        assertThat(TestSupport.opensWithin(source.cancelled, WAIT)).isTrue();
        assertThat(sub.values()).as("in order, and nothing at or after the failed item").allSatisfy(v -> assertThat(v).isLessThan(500));
        for (int i = 0; i < sub.values().size(); i++) {
            assertThat(sub.values().get(i)).isEqualTo(i);
        }
    }

    @Test
    void aNullMapperResultIsAnError() throws Exception {
        CountingSubscriber<Object> sub = new CountingSubscriber<>(Long.MAX_VALUE);
        Streams.parallelMap(moirai, Streams.fromIterable(moirai, range(10)), x -> x == 3 ? null : x, 2).subscribe(sub);
        sub.await(WAIT);
        assertThat(sub.error()).isInstanceOf(NullPointerException.class).hasMessageContaining("§2.13");
    }

    @Test
    void aSourceErrorArrivesAfterTheItemsBeforeIt() throws Exception {
        RangeSource source = new RangeSource(1_000).failingAt(100, new IllegalStateException("source broke"));
        CountingSubscriber<Integer> sub = new CountingSubscriber<>(Long.MAX_VALUE);
        Streams.parallelMap(moirai, source, x -> x * 2, 2).subscribe(sub);
        sub.await(WAIT);
        assertThat(sub.error()).hasMessage("source broke");
        assertThat(sub.values()).containsExactlyElementsOf(range(100).stream().map(x -> x * 2).toList());
    }

    @Test
    void aSourceEmittingMoreThanRequestedIsAnError() throws Exception {
        // a broken source that ignores demand (§1.1): the map must fail, not overwrite its window
        Publisher<Integer> greedy = s -> s.onSubscribe(new org.reactivestreams.Subscription() {
            boolean started;

            @Override
            public void request(long n) {
                if (!started) {
                    started = true;
                    for (int i = 0; i < 100_000; i++) {
                        s.onNext(i);
                    }
                }
            }

            @Override
            public void cancel() {}
        });
        CountingSubscriber<Integer> sub = new CountingSubscriber<>(0);
        Streams.parallelMap(moirai, greedy, x -> x, 2).subscribe(sub);
        sub.await(WAIT);
        assertThat(sub.error()).isInstanceOf(IllegalStateException.class).hasMessageContaining("§1.1");
    }

    @Test
    void cancellingStopsMappingPromptly() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch cancelledLatch = new CountDownLatch(1);
        TestSubscriber<Integer> sub = new TestSubscriber<>(Long.MAX_VALUE);
        sub.onNextDo((s, v) -> {
            if (v == 50) {
                s.cancel();
                cancelledLatch.countDown();
            }
        });
        RangeSource source = new RangeSource(Integer.MAX_VALUE);
        Streams.parallelMap(moirai, source, x -> {
            calls.incrementAndGet();
            return x;
        }, 2).subscribe(sub);
        assertThat(cancelledLatch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(TestSupport.opensWithin(source.cancelled, WAIT)).isTrue();
        int after = calls.get();
        assertThat(sub.valuesWithin(52, QUIET)).isFalse();
        assertThat(calls.get()).as("no mapping work after the cancel settles").isLessThanOrEqualTo(after + 2);
        assertThat(after).as("bounded by the window (1,024) ahead of the 50 emitted").isLessThanOrEqualTo(50 + 1_024 + 32);
    }

    @Test
    void parallelMapRequestZeroSignalsIllegalArgument() throws Exception {
        TestSubscriber<Integer> sub = new TestSubscriber<>();
        Streams.parallelMap(moirai, Streams.fromIterable(moirai, range(3)), x -> x, 2).subscribe(sub);
        sub.request(0);
        assertThat(sub.awaitError()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("§3.9");
    }

    @Test
    void parallelMapOfAMillionItemsLosesNothing() throws Exception {
        int n = 1_000_000;
        List<Integer> items = new ArrayList<>(range(n));
        CountingSubscriber<Integer> sub = new CountingSubscriber<>(Long.MAX_VALUE);
        Streams.parallelMap(moirai, Streams.fromIterable(moirai, items), x -> x ^ 0x5bd1e995, 2).subscribe(sub);
        sub.await(WAIT.multipliedBy(3));
        assertThat(sub.completed()).isTrue();
        assertThat(sub.values()).hasSize(n);
        for (int i = 0; i < n; i++) {
            if (sub.values().get(i) != (i ^ 0x5bd1e995)) {
                throw new AssertionError("item " + i + " out of order: " + sub.values().get(i));
            }
        }
    }

    @Test
    void shutdownEndsAnIdleParallelMapCancelled() throws Exception {
        TestSubscriber<Integer> sub = new TestSubscriber<>();
        RangeSource source = new RangeSource(100_000); // more than the window: the source stays live
        Streams.parallelMap(moirai, source, x -> x, 2).subscribe(sub);
        moirai.shutdown(WAIT);
        assertThat(sub.awaitError()).isInstanceOf(CancellationException.class);
        assertThat(TestSupport.opensWithin(source.cancelled, WAIT)).isTrue();
    }
}

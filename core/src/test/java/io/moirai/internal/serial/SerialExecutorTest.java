package io.moirai.internal.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SerialExecutorTest {

    /** A host that keeps the drains it is handed until the test runs them, or refuses them. */
    static final class ManualHost implements Executor {
        final ArrayDeque<Runnable> drains = new ArrayDeque<>();
        volatile boolean refuse;
        final RejectedExecutionException refusal = new RejectedExecutionException("host shut down");
        int asked;

        @Override
        public synchronized void execute(Runnable drain) {
            asked++;
            if (refuse) {
                throw refusal;
            }
            drains.add(drain);
        }

        synchronized int pending() {
            return drains.size();
        }

        void runNext() {
            Runnable d;
            synchronized (this) {
                d = drains.poll();
            }
            assertThat(d).as("a drain was handed to the host").isNotNull();
            d.run();
        }
    }

    /** Records what the executor tells its owner. */
    static final class Owner implements SerialExecutor.Owner<Item> {
        final List<Item> discarded = Collections.synchronizedList(new ArrayList<>());
        final List<RejectedExecutionException> refused = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void refused(RejectedExecutionException e) {
            refused.add(e);
        }

        @Override
        public void discarded(Item item) {
            discarded.add(item);
        }
    }

    /** An item that records its run in {@code ran}, and counts runs that overlapped another item's. */
    static final class Item implements Runnable {
        final int id;
        final List<Integer> ran;
        final AtomicInteger active;
        final AtomicInteger overlaps;
        final Runnable body;

        Item(int id, List<Integer> ran, AtomicInteger active, AtomicInteger overlaps, Runnable body) {
            this.id = id;
            this.ran = ran;
            this.active = active;
            this.overlaps = overlaps;
            this.body = body;
        }

        @Override
        public void run() {
            if (active.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            try {
                ran.add(id); // serial, with happens-before between drains: a plain list will do
                body.run();
            } finally {
                active.decrementAndGet();
            }
        }

        @Override
        public String toString() {
            return "item " + id;
        }
    }

    private final List<Integer> ran = new ArrayList<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final ManualHost host = new ManualHost();
    private final Owner owner = new Owner();
    private ExecutorService pool;
    private final List<String> order = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final DeadlineQueue<Delayed> delayed = new DeadlineQueue<>(d -> true);

    @AfterEach
    void noOverlapAndShutDownPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
        assertThat(overlaps).as("runs that overlapped another item's").hasValue(0);
    }

    private Item item(int id) {
        return item(id, () -> {});
    }

    private Item item(int id, Runnable body) {
        return new Item(id, ran, active, overlaps, body);
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void itemsRunOneAtATimeInTheOrderTheyWereQueued() throws Exception {
        pool = Executors.newFixedThreadPool(2);
        SerialExecutor<Item> executor = new SerialExecutor<>(pool, false, owner);
        int n = 10_000;
        CountDownLatch last = new CountDownLatch(1);
        for (int i = 0; i < n - 1; i++) {
            assertThat(executor.execute(item(i))).isTrue();
        }
        executor.execute(item(n - 1, last::countDown));

        assertThat(last.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).isEqualTo(range(0, n));
        assertThat(owner.discarded).isEmpty();
    }

    @Test
    void oneDrainRunsABatchThenHandsItselfToTheHost() {
        SerialExecutor<Item> executor = new SerialExecutor<>(host, false, owner);
        int n = SerialExecutor.BATCH + 10;
        for (int i = 0; i < n; i++) {
            executor.execute(item(i));
        }
        assertThat(host.pending()).as("one drain for all the items").isEqualTo(1);

        host.runNext();
        assertThat(ran).isEqualTo(range(0, SerialExecutor.BATCH));
        assertThat(host.pending()).as("the drain handed itself on").isEqualTo(1);

        executor.execute(item(n)); // the successor holds the drain: no new one
        assertThat(host.pending()).isEqualTo(1);
        host.runNext();
        assertThat(ran).isEqualTo(range(0, n + 1));
        assertThat(host.pending()).isZero();
    }

    @Test
    void aFullBatchWithNothingLeftDoesNotHandOnAndTheNextItemStartsANewDrain() {
        SerialExecutor<Item> executor = new SerialExecutor<>(host, false, owner);
        for (int i = 0; i < SerialExecutor.BATCH; i++) {
            executor.execute(item(i));
        }
        host.runNext();
        assertThat(ran).hasSize(SerialExecutor.BATCH);
        assertThat(host.pending()).isZero();

        executor.execute(item(-1));
        assertThat(host.pending()).isEqualTo(1);
        host.runNext();
        assertThat(ran).endsWith(-1);
    }

    @Test
    void anItemQueuedByARunningItemRunsInTheSameDrainAfterIt() {
        SerialExecutor<Item> executor = new SerialExecutor<>(host, false, owner);
        executor.execute(item(0, () -> executor.execute(item(2))));
        executor.execute(item(1));

        host.runNext();

        assertThat(ran).containsExactly(0, 1, 2);
        assertThat(host.pending()).isZero();
        assertThat(host.asked).isEqualTo(1);
    }

    @Test
    void aHostThatRefusesStopsTheExecutorForGood() {
        host.refuse = true;
        SerialExecutor<Item> executor = new SerialExecutor<>(host, false, owner);
        Item first = item(0);
        Item second = item(1);

        assertThat(executor.execute(first)).isFalse();
        assertThat(executor.isStopped()).isTrue();
        assertThat(owner.refused).containsExactly(host.refusal);
        assertThat(owner.discarded).containsExactly(first);

        assertThat(executor.execute(second)).isFalse();
        assertThat(owner.discarded).containsExactly(first, second);
        assertThat(owner.refused).hasSize(1);
        assertThat(host.asked).as("a stopped executor never asks the host again").isEqualTo(1);
        assertThat(ran).isEmpty();
    }

    @Test
    void aRefusalAtTheBatchHandOffDiscardsWhatIsLeft() {
        SerialExecutor<Item> executor = new SerialExecutor<>(host, false, owner);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < SerialExecutor.BATCH + 3; i++) {
            items.add(item(i));
            executor.execute(items.get(i));
        }
        host.refuse = true;

        host.runNext();

        assertThat(ran).isEqualTo(range(0, SerialExecutor.BATCH));
        assertThat(owner.refused).containsExactly(host.refusal);
        assertThat(owner.discarded).isEqualTo(items.subList(SerialExecutor.BATCH, SerialExecutor.BATCH + 3));
        assertThat(executor.isStopped()).isTrue();
        assertThat(executor.execute(item(-1))).isFalse();
        assertThat(owner.discarded).hasSize(4);
    }

    @Test
    void stopFromInsideAnItemDiscardsTheRestAfterIt() {
        SerialExecutor<Item> executor = new SerialExecutor<>(host, false, owner);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add(i == 1 ? item(i, executor::stop) : item(i));
            executor.execute(items.get(i));
        }

        host.runNext();

        assertThat(ran).containsExactly(0, 1);
        assertThat(owner.discarded).isEqualTo(items.subList(2, 5));
        assertThat(owner.refused).isEmpty();
        Item late = item(9);
        assertThat(executor.execute(late)).isFalse();
        assertThat(owner.discarded).endsWith(late);
        assertThat(host.pending()).isZero();
        assertThat(host.asked).isEqualTo(1);
    }

    @Test
    void stopWhileADrainIsHandedOutLeavesTheDiscardingToThatDrain() {
        SerialExecutor<Item> executor = new SerialExecutor<>(host, false, owner);
        for (int i = 0; i < 3; i++) {
            executor.execute(item(i));
        }

        executor.stop();
        assertThat(owner.discarded).as("the drain holds the queue").isEmpty();
        host.runNext();

        assertThat(ran).isEmpty();
        assertThat(owner.discarded).hasSize(3);
        assertThat(host.pending()).isZero();
    }

    @Test
    void stopOnAnIdleExecutorDiscardsOnTheStoppingThread() {
        SerialExecutor<Item> executor = new SerialExecutor<>(host, false, owner);
        executor.execute(item(0));
        host.runNext();

        executor.stop();
        executor.stop(); // idempotent

        assertThat(executor.isStopped()).isTrue();
        Item late = item(1);
        assertThat(executor.execute(late)).isFalse();
        assertThat(owner.discarded).containsExactly(late);
        assertThat(host.asked).isEqualTo(1);
        assertThat(ran).containsExactly(0);
    }

    @Test
    void aTrackingExecutorPublishesTheRunningItemAndAStopThatSeesItSkipsTheRest() throws Exception {
        pool = Executors.newSingleThreadExecutor();
        SerialExecutor<Item> executor = new SerialExecutor<>(pool, true, owner);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Item blocking = item(0, () -> {
            started.countDown();
            await(release);
        });
        Item next = item(1);
        executor.execute(blocking);
        executor.execute(next);
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(executor.running()).isSameAs(blocking);
        executor.stop();
        assertThat(executor.running()).as("the stop may interrupt this one").isSameAs(blocking);
        release.countDown();

        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> {}, pool); // after the drain
        assertThat(drained).succeedsWithin(30, TimeUnit.SECONDS);
        assertThat(ran).containsExactly(0);
        assertThat(owner.discarded).containsExactly(next);
        assertThat(executor.running()).isNull();
    }

    @Test
    void anExecutorThatDoesNotTrackNeverPublishesTheRunningItem() {
        SerialExecutor<Item> executor = new SerialExecutor<>(host, false, owner);
        Object[] seen = new Object[1];
        executor.execute(item(0, () -> seen[0] = executor.running()));
        host.runNext();
        assertThat(ran).containsExactly(0);
        assertThat(seen[0]).isNull();
    }

    @Test
    void dueItemsRunInPlaceInDeadlineOrderWhenNoDrainRuns() {
        SerialExecutor<Delayed> executor = new SerialExecutor<>(host, false, e -> {});
        addDelayed("b", 20);
        addDelayed("a", 10);
        addDelayed("c", 20);
        addDelayed("notYet", 99);

        assertThat(executor.moveDue(delayed, 50, true)).isEqualTo(3);

        assertThat(order).containsExactly("a", "b", "c");
        assertThat(threads).containsOnly(Thread.currentThread());
        assertThat(host.asked).as("no drain was handed to the host").isZero();
        assertThat(delayed.size()).isEqualTo(1);
    }

    @Test
    void dueItemsGoToTheHostWhenNotInPlaceAndJoinARunningDrainOtherwise() {
        SerialExecutor<Delayed> executor = new SerialExecutor<>(host, false, e -> {});
        addDelayed("a", 10);

        assertThat(executor.moveDue(delayed, 10, false)).isEqualTo(1);
        assertThat(order).isEmpty();
        addDelayed("b", 10);
        assertThat(executor.moveDue(delayed, 10, true)).as("a drain holds it: not in place").isEqualTo(1);
        assertThat(order).isEmpty();
        assertThat(executor.moveDue(delayed, 10, true)).isZero();

        host.runNext();
        assertThat(order).containsExactly("a", "b");
        assertThat(host.asked).isEqualTo(1);
    }

    @Test
    void concurrentProducersLoseNothingAndKeepEachProducersOrder() throws Exception {
        pool = Executors.newFixedThreadPool(2);
        SerialExecutor<Item> executor = new SerialExecutor<>(pool, true, owner);
        int producers = 4;
        int each = 25_000;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch allRan = new CountDownLatch(producers * each);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * each;
            done.add(CompletableFuture.runAsync(() -> {
                await(start);
                for (int i = 0; i < each; i++) {
                    assertThat(executor.execute(item(base + i, allRan::countDown))).isTrue();
                }
            }, runnable -> new Thread(runnable).start()));
        }
        start.countDown();
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(allRan.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(ran).hasSize(producers * each);
        int[] next = new int[producers];
        for (int id : ran) {
            int p = id / each;
            assertThat(id % each).as("producer %d's order", p).isEqualTo(next[p]++);
        }
        assertThat(owner.discarded).isEmpty();
    }

    @Test
    void anItemThatThrowsHandsTheDrainOnAndTheOthersStillRun() {
        SerialExecutor<Item> executor = new SerialExecutor<>(host, false, owner);
        IllegalStateException boom = new IllegalStateException("boom");
        executor.execute(item(0));
        executor.execute(item(1, () -> {
            throw boom;
        }));
        executor.execute(item(2));

        assertThatThrownBy(host::runNext).isSameAs(boom);
        assertThat(ran).containsExactly(0, 1);
        assertThat(host.pending()).as("a new drain carries on").isEqualTo(1);

        host.runNext();
        assertThat(ran).containsExactly(0, 1, 2);
        assertThat(owner.discarded).isEmpty();
    }

    /** A delayed item that records its name in {@code order} and the thread it ran on in {@code threads}. */
    private final class Delayed implements Runnable {
        final String name;

        Delayed(String name) {
            this.name = name;
        }

        @Override
        public void run() {
            order.add(name);
            threads.add(Thread.currentThread());
        }
    }

    private void addDelayed(String name, long deadline) {
        assertThat(delayed.add(new Delayed(name), deadline)).isNotNull();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}

package io.moirai.internal.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeadlineQueueTest {

    /** A delayed item with a name, a deadline, whether it is still wanted when due, and its entry. */
    static final class Timed {
        final String name;
        final long deadline;
        volatile boolean wanted = true;
        DeadlineQueue.Entry<Timed> entry;

        Timed(String name, long deadline) {
            this.name = name;
            this.deadline = deadline;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final DeadlineQueue<Timed> queue = new DeadlineQueue<>(t -> t.wanted);

    private static List<String> names(Queue<Timed> moved) {
        List<String> out = new ArrayList<>();
        for (Timed t : moved) {
            out.add(t.name);
        }
        return out;
    }

    private Timed add(String name, long deadline) {
        Timed t = new Timed(name, deadline);
        t.entry = queue.add(t, deadline);
        assertThat(t.entry).isNotNull();
        assertThat(t.entry.deadline()).isEqualTo(deadline);
        return t;
    }

    @Test
    void dueItemsMoveEarliestFirstAndEqualDeadlinesInTheOrderTheyWereAdded() {
        add("a", 500);
        add("b", 500);
        add("c", 300);
        add("d", 500);
        add("late", 2_000);
        Queue<Timed> sink = new ArrayDeque<>();

        assertThat(queue.moveDue(1_000, sink)).isEqualTo(4);

        assertThat(names(sink)).containsExactly("c", "a", "b", "d");
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void nothingMovesBeforeItsDeadlineAndAnItemMovesAtIt() {
        add("early", 100);
        add("onTime", 200);
        add("later", 201);
        Queue<Timed> sink = new ArrayDeque<>();

        assertThat(queue.moveDue(99, sink)).isZero();
        assertThat(queue.moveDue(200, sink)).isEqualTo(2);

        assertThat(names(sink)).containsExactly("early", "onTime");
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void deadlinesCompareByTheirDifferenceAcrossTheOverflowOfNanoTime() {
        add("afterWrap", Long.MIN_VALUE + 10); // 21 ns after beforeWrap
        add("beforeWrap", Long.MAX_VALUE - 10);
        Queue<Timed> sink = new ArrayDeque<>();

        assertThat(queue.moveDue(Long.MAX_VALUE, sink)).isEqualTo(1);
        assertThat(names(sink)).containsExactly("beforeWrap");
        assertThat(queue.moveDue(Long.MIN_VALUE + 10, sink)).isEqualTo(1);
        assertThat(names(sink)).containsExactly("beforeWrap", "afterWrap");
    }

    @Test
    void aDueItemTheClaimRefusesIsDroppedAndNotCounted() {
        add("a", 1);
        Timed disposed = add("disposed", 2);
        add("c", 3);
        disposed.wanted = false;
        Queue<Timed> sink = new ArrayDeque<>();

        assertThat(queue.moveDue(10, sink)).isEqualTo(2);

        assertThat(names(sink)).containsExactly("a", "c");
        assertThat(queue.size()).isZero();
    }

    @Test
    void removeTakesOutThatItemOnly() {
        Timed a = add("a", 5);
        Timed b = add("b", 5);

        assertThat(queue.remove(null)).as("no entry: never added").isFalse();
        assertThat(queue.remove(b.entry)).isTrue();
        assertThat(queue.remove(b.entry)).isFalse();
        Queue<Timed> sink = new ArrayDeque<>();
        queue.moveDue(5, sink);
        assertThat(sink).containsExactly(a);
    }

    @Test
    void disposeAllHandsOverEveryWaitingItemOutsideTheLockAndRefusesNewOnes() throws Exception {
        add("b", 20);
        add("a", 10);
        List<String> disposed = new ArrayList<>();

        queue.disposeAll(t -> {
            disposed.add(t.name);
            // another thread can take the lock meanwhile: the action runs outside it
            CompletableFuture<Integer> size = CompletableFuture.supplyAsync(queue::size);
            assertThat(size).succeedsWithin(10, TimeUnit.SECONDS).isEqualTo(0);
            assertThat(queue.remove(t.entry)).isFalse();
        });

        assertThat(disposed).containsExactly("a", "b");
        assertThat(queue.add(new Timed("late", 1), 1)).isNull();
        assertThat(queue.size()).isZero();
        queue.disposeAll(t -> disposed.add("again " + t.name));
        assertThat(disposed).hasSize(2);
    }

    @Test
    void concurrentAddsOfEqualDeadlinesMoveInEachAddersOrder() throws Exception {
        int adders = 4;
        int each = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int a = 0; a < adders; a++) {
            String prefix = a + ":";
            done.add(CompletableFuture.runAsync(() -> {
                await(start);
                for (int i = 0; i < each; i++) {
                    queue.add(new Timed(prefix + i, 7), 7); // all due at the same instant
                }
            }, runnable -> new Thread(runnable).start()));
        }
        start.countDown();
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        Queue<Timed> sink = new ArrayDeque<>();
        assertThat(queue.moveDue(7, sink)).isEqualTo(adders * each);
        int[] next = new int[adders];
        for (Timed t : sink) {
            String[] parts = t.name.split(":");
            int adder = Integer.parseInt(parts[0]);
            assertThat(Integer.parseInt(parts[1])).isEqualTo(next[adder]++);
        }
    }

    @Test
    void concurrentMovesNeverInterleaveTheirItems() throws Exception {
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            add(Integer.toString(i), i % 97); // many equal deadlines, added out of deadline order
        }
        // the name is the order of the adds
        Queue<Timed> sink = new ConcurrentLinkedQueue<>();
        AtomicInteger moved = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> movers = new ArrayList<>();
        for (int m = 0; m < 2; m++) {
            movers.add(CompletableFuture.runAsync(() -> {
                await(start);
                for (long now = 0; now < 97; now += 5) {
                    moved.addAndGet(queue.moveDue(now, sink));
                }
                moved.addAndGet(queue.moveDue(100, sink));
            }, runnable -> new Thread(runnable).start()));
        }
        start.countDown();
        CompletableFuture.allOf(movers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(moved.get()).isEqualTo(n);
        Timed previous = null;
        for (Timed t : sink) {
            if (previous != null) {
                assertThat(t.deadline > previous.deadline
                        || (t.deadline == previous.deadline && Integer.parseInt(t.name) > Integer.parseInt(previous.name)))
                        .as("%s after %s", t, previous).isTrue();
            }
            previous = t;
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}

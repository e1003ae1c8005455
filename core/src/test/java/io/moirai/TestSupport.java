package io.moirai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** Helpers shared by the runtime tests: unique thread prefixes, bounded waits, thread lookups. */
public final class TestSupport {

    /** The longest any single wait in a test may take before the test fails. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private static final AtomicInteger PREFIX_COUNTER = new AtomicInteger();

    private TestSupport() {}

    /**
     * @param name a readable part
     * @return a thread name prefix no other runtime in this JVM uses
     */
    public static String uniquePrefix(String name) {
        return "mt" + PREFIX_COUNTER.incrementAndGet() + "-" + name + "-" + System.nanoTime() % 100_000;
    }

    /** Waits for the latch at most {@link #WAIT}, failing the test when it does not open. */
    public static void await(CountDownLatch latch) {
        await(latch, WAIT);
    }

    public static void await(CountDownLatch latch, Duration timeout) {
        try {
            if (!latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                fail("latch did not open within " + timeout + " (count still " + latch.getCount() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }

    /**
     * Waits for a latch that must stay closed for {@code period}; used only where "does not happen" is
     * the subject and can only be observed over time.
     *
     * @return {@code true} if the latch opened within the period
     */
    public static boolean opensWithin(CountDownLatch latch, Duration period) {
        try {
            return latch.await(period.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }

    /**
     * Polls {@code condition} until it holds or {@code timeout} passes (for conditions whose subject is
     * time, such as keep-alive and parking, that offer nothing to wait on).
     */
    public static void eventually(Duration timeout, BooleanSupplier condition, java.util.function.Supplier<String> description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("condition not met within " + timeout + ": " + description.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while polling", e);
            }
        }
    }

    /**
     * Joins a handle that must fail and returns its cause, failing the test if it succeeds, is
     * cancelled, or takes longer than {@link #WAIT}.
     */
    public static Throwable failureOf(io.moirai.task.TaskHandle<?> h) {
        try {
            h.join(WAIT);
        } catch (io.moirai.task.TaskFailedException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("expected the handle to fail, got " + e, e);
        }
        throw new AssertionError("expected the handle to fail, it succeeded");
    }

    /** @return the live threads whose name starts with {@code prefix} */
    public static List<Thread> liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .collect(Collectors.toList());
    }

    /** Asserts that no thread named with {@code prefix} is alive, allowing up to 2 s for threads to exit. */
    public static void assertNoThreadsLeft(String prefix) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        List<Thread> live = liveThreads(prefix);
        while (!live.isEmpty() && System.nanoTime() - deadline < 0) {
            for (Thread t : live) {
                try {
                    t.join(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            live = liveThreads(prefix);
        }
        assertThat(live).as("threads named %s* still alive after shutdown", prefix)
                .extracting(Thread::getName).isEmpty();
    }
}

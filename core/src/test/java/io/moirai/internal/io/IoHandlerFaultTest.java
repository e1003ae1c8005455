package io.moirai.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.internal.util.DroppedErrors;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What happens to a handler when things go wrong around it. A handler whose update reaches a driver
 * that has stopped is shut down on the requesting thread, and then told which updates will never be
 * applied, so that what they promised (a reader waiting to be attached, which must still hear how its
 * stream ended) is settled instead of left waiting forever. A handler whose update throws, even an
 * {@code OutOfMemoryError}, is closed with it, and the loop goes on serving the others.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IoHandlerFaultTest {

    private static final int ATTACH = 1 << 2;

    @Test
    void anUpdateHandedToAStoppedDriverIsShutDownThenReportedUnapplied() throws InterruptedException {
        IoDriver driver = new IoDriver("abandon-test-io", new DroppedErrors(e -> { }));
        driver.start();
        driver.shutdown();
        driver.thread().join(TimeUnit.SECONDS.toMillis(10));
        assertThat(driver.thread().isAlive()).isFalse();

        Recording handler = new Recording(driver);
        handler.requestUpdate(ATTACH);

        assertThat(handler.events).containsExactly("shutdown CancellationException", "unapplied " + ATTACH);
        assertThat(handler.thread).isSameAs(Thread.currentThread());
    }

    @Test
    void anErrorInOneHandlerClosesItAndTheLoopGoesOn() throws InterruptedException {
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        IoDriver driver = new IoDriver("survival-test-io", new DroppedErrors(dropped::add));
        driver.start();
        try {
            CountDownLatch closed = new CountDownLatch(1);
            CountDownLatch served = new CountDownLatch(1);
            Recording broken = new Recording(driver) {
                @Override
                protected void update(int bits) {
                    throw new OutOfMemoryError("simulated: the heap is full");
                }

                @Override
                protected void closeWith(Throwable cause) {
                    super.closeWith(cause);
                    closed.countDown();
                }
            };
            Recording healthy = new Recording(driver) {
                @Override
                protected void update(int bits) {
                    super.update(bits);
                    served.countDown();
                }
            };
            broken.requestUpdate(ATTACH);
            assertThat(closed.await(10, TimeUnit.SECONDS)).as("the failing handler closed").isTrue();
            healthy.requestUpdate(ATTACH);
            assertThat(served.await(10, TimeUnit.SECONDS)).as("the loop still serves others").isTrue();
            assertThat(driver.thread().isAlive()).isTrue();
            assertThat(broken.events).containsExactly("closeWith java.lang.OutOfMemoryError: simulated: the heap is full");
            assertThat(dropped).singleElement().isInstanceOf(OutOfMemoryError.class);
        } finally {
            driver.shutdown();
            driver.thread().join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    private static class Recording extends IoHandler {

        final List<String> events = new CopyOnWriteArrayList<>();
        Thread thread;

        Recording(IoDriver driver) {
            super(driver);
        }

        @Override
        protected void update(int bits) {
            events.add("update " + bits);
        }

        @Override
        protected void ready(int readyOps) {
            events.add("ready " + readyOps);
        }

        @Override
        protected void shutdown(Throwable cause) {
            thread = Thread.currentThread();
            events.add("shutdown " + (cause instanceof CancellationException ? "CancellationException" : cause));
        }

        @Override
        protected void unapplied(int bits) {
            events.add("unapplied " + bits);
        }

        @Override
        protected void closeWith(Throwable cause) {
            events.add("closeWith " + cause);
        }
    }
}

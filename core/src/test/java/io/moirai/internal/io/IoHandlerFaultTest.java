package io.moirai.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.internal.util.DroppedErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A handler whose update reaches a driver that has stopped is shut down on the requesting thread, and
 * then told which updates will never be applied, so that what they promised (a reader waiting to be
 * attached, which must still hear how its stream ended) is settled instead of left waiting forever.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IoHandlerAbandonTest {

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

    private static final class Recording extends IoHandler {

        final List<String> events = new ArrayList<>();
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

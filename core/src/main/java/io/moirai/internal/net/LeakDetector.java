package io.moirai.internal.net;

import io.moirai.internal.util.DroppedErrors;
import java.lang.ref.Cleaner;

/**
 * Finds pooled buffers that were never released, as Netty's leak detector does: with
 * {@code -Dmoirai.leakDetection=true}, every pooled buffer handed out records where it was taken, and
 * one that becomes unreachable without having been released is reported to the runtime's
 * dropped-error handler with that place. Off by default (it costs an object and a stack trace per
 * buffer); the tests turn it on.
 *
 * <p>Threads: {@link #track} from the thread that takes the buffer; {@link Tracker#released()} from
 * the thread that releases it; reports come from the JDK's cleaner thread.
 */
public final class LeakDetector {

    /** Whether leak detection is on ({@code -Dmoirai.leakDetection=true}). */
    public static final boolean ENABLED = Boolean.getBoolean("moirai.leakDetection");

    private static final Cleaner CLEANER = ENABLED ? Cleaner.create() : null;

    private LeakDetector() {}

    /**
     * Starts watching a buffer.
     *
     * @param buffer the buffer handed out (watched, not held)
     * @param what what it is, for the report
     * @param report where a leak is reported
     * @return the tracker to tell of the release, or null when leak detection is off
     */
    public static Tracker track(Object buffer, String what, DroppedErrors report) {
        if (!ENABLED) {
            return null;
        }
        Tracker t = new Tracker(new IllegalStateException("LEAK: a " + what + " was never released; it was taken here"),
                report);
        t.cleanable = CLEANER.register(buffer, t);
        return t;
    }

    /** One watched buffer: the place it was taken, and whether it was released. */
    public static final class Tracker implements Runnable {

        private final IllegalStateException taken;
        private final DroppedErrors report;
        private volatile boolean released;
        private Cleaner.Cleanable cleanable;

        private Tracker(IllegalStateException taken, DroppedErrors report) {
            this.taken = taken;
            this.report = report;
        }

        /** The buffer was released: nothing to report, and nothing left to watch. */
        public void released() {
            released = true;
            cleanable.clean();
        }

        /** The cleaner found the buffer unreachable (or {@link #released()} ran this). */
        @Override
        public void run() {
            if (!released) {
                report.report(taken);
            }
        }
    }
}

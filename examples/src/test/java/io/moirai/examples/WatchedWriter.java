package io.moirai.examples;

import java.io.Writer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A command's output for tests: keeps what was written and completes a future once a given text has
 * appeared, so a test waits for a line ("listening on") instead of polling. Thread-safe.
 */
public final class WatchedWriter extends Writer {

    private record Waiter(String text, CompletableFuture<String> seen) {}

    private final StringBuilder text = new StringBuilder();
    private final List<Waiter> waiters = new ArrayList<>();

    /**
     * @param wanted a text the output will contain
     * @return completes with the output so far once it contains {@code wanted}
     */
    public synchronized CompletableFuture<String> when(String wanted) {
        CompletableFuture<String> seen = new CompletableFuture<>();
        if (text.indexOf(wanted) >= 0) {
            seen.complete(text.toString());
        } else {
            waiters.add(new Waiter(wanted, seen));
        }
        return seen;
    }

    @Override
    public synchronized void write(char[] chars, int off, int len) {
        text.append(chars, off, len);
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (text.indexOf(w.text()) >= 0) {
                it.remove();
                w.seen().complete(text.toString());
            }
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public synchronized String toString() {
        return text.toString();
    }
}

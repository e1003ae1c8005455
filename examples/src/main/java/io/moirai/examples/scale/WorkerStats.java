package io.moirai.examples.scale;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a worker reports about itself (the answer to the {@value ScaleWorker#STATS} request-response):
 * the records it received and sent back since it started, the most it held at once, its settings and
 * its heap. On the wire it is one line of {@code key=value} pairs, readable by any RSocket client.
 *
 * @param received records received from coordinators
 * @param sent results sent back
 * @param maxInFlight the most records received but not yet sent back at any moment
 * @param window the records one stream may hold at most: the {@code parallelMap} window
 * @param parallelism mapper calls in flight per stream, at most
 * @param rounds work per record, in mixing rounds
 * @param heapUsed bytes of heap in use
 * @param heapPeak bytes of heap in use at the peak, at most
 * @param heapMax the most heap the worker's JVM may use
 */
public record WorkerStats(long received, long sent, long maxInFlight, int window, int parallelism, int rounds,
        long heapUsed, long heapPeak, long heapMax) {

    /** @return the wire form, e.g. {@code received=100 sent=100 ...} */
    public String toWire() {
        return "received=" + received + " sent=" + sent + " maxInFlight=" + maxInFlight + " window=" + window
                + " parallelism=" + parallelism + " rounds=" + rounds + " heapUsed=" + heapUsed
                + " heapPeak=" + heapPeak + " heapMax=" + heapMax;
    }

    /**
     * @param line the wire form
     * @return the stats it holds
     * @throws IllegalArgumentException if a key is missing or a value is not a number
     */
    public static WorkerStats fromWire(String line) {
        Map<String, Long> values = new HashMap<>();
        for (String pair : line.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    values.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a number in worker stats: '" + pair + "'");
                }
            }
        }
        return new WorkerStats(get(values, "received"), get(values, "sent"), get(values, "maxInFlight"),
                (int) get(values, "window"), (int) get(values, "parallelism"), (int) get(values, "rounds"),
                get(values, "heapUsed"), get(values, "heapPeak"), get(values, "heapMax"));
    }

    private static long get(Map<String, Long> values, String key) {
        Long v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("worker stats without '" + key + "': " + values);
        }
        return v;
    }

    /** @return one line for people: records, the most held at once, heap */
    public String describe() {
        return String.format(Locale.ROOT, "mapped %,d records, at most %,d in flight (window %,d), heap %s in use, peak %s of %s",
                sent, maxInFlight, window, Heap.mib(heapUsed), Heap.mib(heapPeak), Heap.mib(heapMax));
    }
}

package io.moirai.examples.cli;

/**
 * A synthetic CPU-bound record transformation for the pipeline examples: a few rounds of integer
 * mixing whose result depends on every round, so the JIT cannot skip it. About 1 µs per record at
 * the default rounds on a current core. Stateless; any thread.
 */
public final class Work {

    /** Rounds for roughly one microsecond of work. */
    public static final int DEFAULT_ROUNDS = 400;

    private Work() {}

    /**
     * @param record the input
     * @param rounds how much work
     * @return a value derived from every round
     */
    public static long transform(long record, int rounds) {
        long x = record * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < rounds; i++) {
            x ^= x >>> 31;
            x *= 0xBF58476D1CE4E5B9L;
            x ^= x >>> 27;
        }
        return x;
    }
}

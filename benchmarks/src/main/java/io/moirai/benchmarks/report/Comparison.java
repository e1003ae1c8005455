package io.moirai.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One line of the report: a Moirai row set against one or more peer rows, with the target an issue
 * gave for it. The whole table lives in {@link Comparisons#ALL}; this file defines its vocabulary.
 *
 * @param id a short stable name (the chart's category label)
 * @param measure what is measured, in words (the table's first column)
 * @param unit the unit the figures are quoted in, in words, e.g. {@code M items/s}
 * @param better whether a higher or a lower figure is better
 * @param moirai the Moirai row
 * @param peers the peer rows, in table order; those marked {@link Peer#reference()} are the ones
 *     the target is judged against (the strongest of them counts)
 * @param target the target, {@link Target.None} for an informational line
 * @param source where the target comes from, e.g. {@code issue 2}
 */
record Comparison(String id, String measure, String unit, Better better, Row moirai, List<Peer> peers,
        Target target, String source) {

    Comparison {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(moirai, "moirai");
        peers = List.copyOf(peers);
        Objects.requireNonNull(target, "target");
    }

    /** @return the peers the target is judged against; every peer when none is marked */
    List<Peer> references() {
        List<Peer> refs = peers.stream().filter(Peer::reference).toList();
        return refs.isEmpty() ? peers : refs;
    }

    /** Whether a higher or a lower score is better. */
    enum Better {
        /** throughput, e.g. JMH's {@code thrpt} mode */
        HIGHER,
        /** time or space per operation, e.g. JMH's {@code avgt} mode, bytes per task, CPU share */
        LOWER;

        /**
         * @param mode a JMH mode name
         * @return the direction JMH's mode implies, or {@code null} for an unknown mode
         */
        static Better ofMode(String mode) {
            return switch (mode) {
                case "thrpt" -> HIGHER;
                case "avgt", "sample", "ss" -> LOWER;
                default -> null;
            };
        }
    }

    /**
     * Selects one result: the benchmark whose fully qualified name ends with {@code "." + benchmark},
     * with at least the given parameter values, and one of its metrics.
     *
     * @param label how the table names the row, e.g. {@code CompletableFuture on ForkJoinPool(n)}
     * @param benchmark class and method, e.g. {@code TaskRoundTripBenchmark.moirai}
     * @param params parameter values the result must have (others are ignored)
     * @param metric a secondary metric's name (e.g. {@code timer}), or {@code null} for the primary
     */
    record Row(String label, String benchmark, Map<String, String> params, String metric) {

        Row {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(benchmark, "benchmark");
            params = Map.copyOf(params);
        }

        /** @return whether {@code r} is this row's result */
        boolean matches(Result r) {
            if (!r.benchmark().endsWith("." + benchmark) && !r.benchmark().equals(benchmark)) {
                return false;
            }
            for (Map.Entry<String, String> p : params.entrySet()) {
                if (!p.getValue().equals(r.params().get(p.getKey()))) {
                    return false;
                }
            }
            return metric == null || r.secondary().containsKey(metric);
        }

        /** @return the benchmark and its selecting parameters, e.g. {@code TcpEchoBenchmark.moirai (ioThreads=1)} */
        String describe() {
            StringBuilder sb = new StringBuilder(benchmark);
            if (metric != null) {
                sb.append(':').append(metric);
            }
            if (!params.isEmpty()) {
                List<String> kv = new ArrayList<>();
                params.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> kv.add(e.getKey() + "=" + e.getValue()));
                sb.append(" (").append(String.join(", ", kv)).append(')');
            }
            return sb.toString();
        }
    }

    /**
     * A peer row of a comparison.
     *
     * @param row the row
     * @param reference whether the target is judged against this peer
     */
    record Peer(Row row, boolean reference) {}

    /** What Moirai must reach in a comparison. */
    sealed interface Target {

        /** @return the target in words, for the table */
        String text();

        /**
         * Moirai / peer at least {@code ratio} against the strongest reference peer (the one with the
         * lowest Moirai / peer ratio).
         */
        record AtLeast(double ratio) implements Target {
            @Override
            public String text() {
                return "≥ " + Report.ratio(ratio) + " best ref.";
            }
        }

        /**
         * Moirai / peer at least {@code ratio} against the strongest reference peer, unless that would
         * ask for more than the machine allows (METHOD.md): the physical limit is
         * {@code cores x} the {@code limit} row's score (a single-threaded loop); when {@code ratio x}
         * the best peer exceeds it, the target becomes: Moirai within {@code 1 - shareOfLimit} of the
         * limit and at least {@code floorRatio} the best peer. Throughput rows only.
         *
         * @param ratio the target ratio against the best reference peer
         * @param limit the single-threaded row whose score times the core count is the limit
         * @param shareOfLimit the share of the limit Moirai must reach when the target is capped (0.95)
         * @param floorRatio the ratio against the best peer Moirai must still reach when capped (1.0)
         */
        record AtLeastWithinLimit(double ratio, Row limit, double shareOfLimit, double floorRatio) implements Target {
            @Override
            public String text() {
                return "≥ " + Report.ratio(ratio) + " best ref., or when that exceeds the limit (cores x "
                        + limit.label() + "): ≥ " + Math.round(shareOfLimit * 100) + "% of the limit and ≥ "
                        + Report.ratio(floorRatio);
            }
        }

        /**
         * Moirai's figure at most {@code value} (in the comparison's unit), whatever the peers do.
         *
         * @param value the largest acceptable figure
         */
        record AtMost(double value) implements Target {
            @Override
            public String text() {
                return "≤ " + Report.number(value);
            }
        }

        /**
         * The Moirai row's result exists and its parameter {@code held} is {@code true}: the program
         * that measured it held the load and checked it still worked.
         *
         * @param what what must be held, in words
         */
        record Held(String what) implements Target {
            @Override
            public String text() {
                return what;
            }
        }

        /** No target: an informational line. */
        record None() implements Target {
            @Override
            public String text() {
                return "—";
            }
        }
    }
}

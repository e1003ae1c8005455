package io.moirai.benchmarks.report;

import io.moirai.benchmarks.report.Comparison.Better;
import io.moirai.benchmarks.report.Comparison.Peer;
import io.moirai.benchmarks.report.Comparison.Row;
import io.moirai.benchmarks.report.Comparison.Target;
import io.moirai.benchmarks.report.Result.Metric;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Comparison} evaluated against one run's results: the figures found, the Moirai / peer
 * ratios and the verdict on the target.
 *
 * @param comparison the comparison
 * @param better the direction used (the comparison's, or the JMH mode's when they disagree)
 * @param moirai the Moirai row's result and metric, or {@code null} when it did not run
 * @param peers one entry per peer of the comparison, in order
 * @param ratio the ratio the target is judged on: Moirai / the strongest reference peer that ran
 *     (NaN when none ran or the comparison has no peers)
 * @param targetRatio the ratio the target asks for, for the chart (NaN when the target is not a ratio)
 * @param status the verdict
 * @param verdict the verdict in words, with the figures it rests on
 * @param notes anything the reader must know about this line (a mode that overrode the direction,
 *     several results matching one row, units that differ)
 */
record Evaluation(Comparison comparison, Better better, Figure moirai, List<PeerFigure> peers, double ratio,
        double targetRatio, Status status, String verdict, List<String> notes) {

    /** The outcome of a comparison. */
    enum Status {
        MET("met"), MISSED("**missed**"), NOT_RUN("not run"), NO_TARGET("—");

        final String text;

        Status(String text) {
            this.text = text;
        }
    }

    /**
     * A row's result and the metric the row reads.
     *
     * @param result the result
     * @param metric the metric
     */
    record Figure(Result result, Metric metric) {
        double value() {
            return metric.figure();
        }
    }

    /**
     * A peer's figure and Moirai / peer.
     *
     * @param peer the peer
     * @param figure its figure, or {@code null} when it did not run
     * @param ratio Moirai / peer, higher is better for Moirai; NaN when either did not run
     */
    record PeerFigure(Peer peer, Figure figure, double ratio) {}

    /**
     * Evaluates {@code c} against {@code results}.
     *
     * @param c the comparison
     * @param results every result of the run (JMH and BeyondJmh)
     * @param cores the machine's core count (the physical limit of {@link Target.AtLeastWithinLimit})
     * @return the evaluation
     */
    static Evaluation of(Comparison c, List<Result> results, int cores) {
        List<String> notes = new ArrayList<>();
        Figure moirai = find(c.moirai(), results, notes);
        Better better = c.better();
        if (moirai != null) {
            Better byMode = Better.ofMode(moirai.result().mode());
            if (byMode != null && byMode != better) { // e.g. a suite run with -bm thrpt
                notes.add("run in mode " + moirai.result().mode() + ": " + byMode.name().toLowerCase() + " is better");
                better = byMode;
            }
        }
        List<PeerFigure> peers = new ArrayList<>();
        for (Peer p : c.peers()) {
            Figure f = find(p.row(), results, notes);
            double ratio = Double.NaN;
            if (moirai != null && f != null) {
                if (!moirai.metric().unit().equals(f.metric().unit())) {
                    notes.add("units differ: " + moirai.metric().unit() + " vs " + f.metric().unit() + " (" + p.row().label() + ")");
                } else {
                    ratio = ratio(moirai.value(), f.value(), better);
                }
            }
            peers.add(new PeerFigure(p, f, ratio));
        }
        // the strongest reference peer that ran: the lowest Moirai / peer
        PeerFigure best = null;
        for (PeerFigure pf : peers) {
            if (c.references().contains(pf.peer()) && !Double.isNaN(pf.ratio())
                    && (best == null || pf.ratio() < best.ratio())) {
                best = pf;
            }
        }
        double ratio = best == null ? Double.NaN : best.ratio();
        boolean refMissing = peers.stream().anyMatch(pf -> c.references().contains(pf.peer()) && pf.figure() == null);
        if (refMissing && best != null) {
            notes.add("judged against the reference rows that ran only");
        }

        Target target = c.target();
        Status status;
        String verdict;
        double targetRatio = Double.NaN;
        if (target instanceof Target.None) {
            status = Status.NO_TARGET;
            verdict = Double.isNaN(ratio) ? "—" : Report.ratio(ratio);
        } else if (moirai == null) {
            status = Status.NOT_RUN;
            verdict = "Moirai row not run";
        } else if (target instanceof Target.AtLeast t) {
            targetRatio = t.ratio();
            if (best == null) {
                status = Status.NOT_RUN;
                verdict = "no reference row ran";
            } else {
                status = ratio >= t.ratio() ? Status.MET : Status.MISSED;
                verdict = Report.ratio(ratio) + " vs " + best.peer().row().label();
            }
        } else if (target instanceof Target.AtLeastWithinLimit t) {
            if (best == null) {
                status = Status.NOT_RUN;
                verdict = "no reference row ran";
            } else {
                Figure limitRow = find(t.limit(), results, new ArrayList<>());
                double peerScore = best.figure().value();
                double m = moirai.value();
                String vs = Report.ratio(ratio) + " vs " + best.peer().row().label();
                if (limitRow == null) {
                    targetRatio = t.ratio();
                    status = ratio >= t.ratio() ? Status.MET : Status.MISSED;
                    verdict = vs + "; limit unknown (" + t.limit().label() + " not run)";
                } else {
                    double limit = cores * limitRow.value();
                    String limitText = "limit " + cores + " x " + Report.number(limitRow.value()) + " = "
                            + Report.number(limit) + ", Moirai at " + Math.round(100 * m / limit) + "% of it";
                    if (t.ratio() * peerScore > limit) {
                        targetRatio = Math.max(t.shareOfLimit() * limit / peerScore, t.floorRatio());
                        boolean met = m >= t.shareOfLimit() * limit && ratio >= t.floorRatio();
                        status = met ? Status.MET : Status.MISSED;
                        verdict = vs + "; capped target (" + Report.ratio(t.ratio()) + " the best peer exceeds the "
                                + limitText + ")";
                    } else {
                        targetRatio = t.ratio();
                        status = ratio >= t.ratio() ? Status.MET : Status.MISSED;
                        verdict = vs + "; " + limitText;
                    }
                }
            }
        } else if (target instanceof Target.AtMost t) {
            status = moirai.value() <= t.value() ? Status.MET : Status.MISSED;
            verdict = Report.number(moirai.value()) + (status == Status.MET ? " ≤ " : " > ") + Report.number(t.value());
        } else if (target instanceof Target.Held) {
            boolean held = "true".equals(moirai.result().params().get("held"));
            status = held ? Status.MET : Status.MISSED;
            verdict = held ? "held" : "not held: " + moirai.result().params().getOrDefault("failure", "see the program's output");
        } else {
            throw new IllegalStateException("unknown target " + target);
        }
        return new Evaluation(c, better, moirai, List.copyOf(peers), ratio, targetRatio, status, verdict, List.copyOf(notes));
    }

    /** @return Moirai / peer such that higher is better for Moirai */
    static double ratio(double moirai, double peer, Better better) {
        return better == Better.HIGHER ? moirai / peer : peer / moirai;
    }

    private static Figure find(Row row, List<Result> results, List<String> notes) {
        Figure found = null;
        int matches = 0;
        for (Result r : results) {
            if (row.matches(r)) {
                matches++;
                if (found == null) {
                    found = new Figure(r, r.metric(row.metric()));
                }
            }
        }
        if (matches > 1) {
            notes.add(matches + " results match " + row.describe() + "; the first is used");
        }
        return found;
    }
}

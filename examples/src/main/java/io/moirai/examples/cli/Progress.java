package io.moirai.examples.cli;

import java.io.PrintWriter;

/**
 * Progress of a counted job under a {@link Report} label: a bar redrawn in place ({@code \r}) on an
 * interactive terminal, plain lines at every tenth otherwise (logs, pipes, tests), counts grouped
 * ({@code 10% (100,000 of 1,000,000)}). Called from one thread at a time.
 */
public final class Progress {

    private static final int WIDTH = 40;

    private final Report report;
    private final PrintWriter out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private int shownTenths = -1;
    private int shownCells = -1;

    /**
     * @param report where to print
     * @param label the lines' label, one of the report's
     * @param total the count at 100%
     * @param terminal whether the report's output is an interactive terminal (draw a bar)
     */
    public Progress(Report report, String label, long total, boolean terminal) {
        this.report = report;
        this.out = report.out();
        this.label = label;
        this.total = Math.max(1L, total);
        this.terminal = terminal;
    }

    /** @return whether the JVM's standard output is an interactive terminal */
    public static boolean stdoutIsTerminal() {
        return System.console() != null;
    }

    /** @param done the count so far */
    public void update(long done) {
        double fraction = Math.min(1.0, (double) done / total);
        if (terminal) {
            int cells = (int) (fraction * WIDTH);
            if (cells != shownCells) {
                shownCells = cells;
                out.print("\r" + report.prefix(label) + "[" + "#".repeat(cells) + " ".repeat(WIDTH - cells) + "] "
                        + (int) (fraction * 100) + "%");
                out.flush();
            }
        } else {
            int tenths = (int) (fraction * 10);
            if (tenths != shownTenths) {
                shownTenths = tenths;
                report.line(label, "%d%% (%s of %s)", tenths * 10, Report.count(done), Report.count(total));
            }
        }
    }

    /**
     * Shows the final count and ends the bar's line.
     *
     * @param done the count at the end ({@code total} unless the job was stopped)
     */
    public void finish(long done) {
        update(done);
        if (terminal) {
            out.println();
        }
        out.flush();
    }
}

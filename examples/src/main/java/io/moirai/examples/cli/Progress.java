package io.moirai.examples.cli;

import java.io.PrintWriter;

/**
 * Progress of a counted job: a bar redrawn in place ({@code \r}) on an interactive terminal, plain
 * lines at every tenth otherwise (logs, pipes, tests). Called from one thread at a time.
 */
public final class Progress {

    private static final int WIDTH = 40;

    private final PrintWriter out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private int shownTenths = -1;
    private int shownCells = -1;

    /**
     * @param out where to print
     * @param label what is counted
     * @param total the count at 100%
     * @param terminal whether {@code out} is an interactive terminal (draw a bar)
     */
    public Progress(PrintWriter out, String label, long total, boolean terminal) {
        this.out = out;
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
                out.print("\r" + label + " [" + "#".repeat(cells) + " ".repeat(WIDTH - cells) + "] "
                        + (int) (fraction * 100) + "%");
                out.flush();
            }
        } else {
            int tenths = (int) (fraction * 10);
            if (tenths != shownTenths) {
                shownTenths = tenths;
                out.println(label + ": " + tenths * 10 + "% (" + done + " of " + total + ")");
                out.flush();
            }
        }
    }

    /** Ends the bar's line. */
    public void finish() {
        update(total);
        if (terminal) {
            out.println();
        }
        out.flush();
    }
}

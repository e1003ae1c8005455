package io.moirai.examples.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * How the commands print, one way for all of them: every line is {@code label: text}, the labels of
 * one command padded to its widest (so the demo's lines from several steps align); whole numbers are
 * grouped with commas and decimals written with a point whatever the default locale
 * ({@link Locale#US} formatting); durations as {@link Durations#format} writes them. Used from one
 * thread at a time; every line is flushed.
 */
public final class Report {

    private final PrintWriter out;
    private final int width;

    /**
     * @param out where to print
     * @param labels every label the command prints under (the widest sets the padding)
     */
    public Report(PrintWriter out, String... labels) {
        this.out = out;
        int w = 0;
        for (String label : labels) {
            w = Math.max(w, label.length());
        }
        this.width = w;
    }

    /** @return where this report prints */
    public PrintWriter out() {
        return out;
    }

    /**
     * @param label one of the labels given at construction
     * @return the line's start: the padded label and {@code ": "}
     */
    public String prefix(String label) {
        return label + " ".repeat(Math.max(0, width - label.length())) + ": ";
    }

    /**
     * Prints {@code label: text}, the text formatted as {@link String#format} does in {@link Locale#US}.
     *
     * @param label one of the labels given at construction
     * @param format the text's format
     * @param args its arguments
     */
    public void line(String label, String format, Object... args) {
        out.println(prefix(label) + text(format, args));
        out.flush();
    }

    /**
     * @param format a format
     * @param args its arguments
     * @return the text formatted in {@link Locale#US}: {@code %,d} groups with commas, {@code %.1f} has a point
     */
    public static String text(String format, Object... args) {
        return String.format(Locale.US, format, args);
    }

    /** @return {@code n} with its digits grouped by commas: {@code 1,234,567} */
    public static String count(long n) {
        return String.format(Locale.US, "%,d", n);
    }

    /**
     * @param n how many
     * @param noun what, singular (its plural adds an {@code s})
     * @return for example {@code 1 connection}, {@code 1,024 connections}
     */
    public static String count(long n, String noun) {
        return count(n) + " " + noun + (n == 1 ? "" : "s");
    }
}

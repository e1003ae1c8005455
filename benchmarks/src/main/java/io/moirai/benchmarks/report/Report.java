package io.moirai.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.moirai.benchmarks.report.Evaluation.PeerFigure;
import io.moirai.benchmarks.report.Evaluation.Status;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Turns one run's results into {@code latest.md} (one table, a line per {@link Comparisons#ALL
 * comparison}) and {@code latest.png} (a chart of the Moirai / peer ratios), and merges JMH's
 * per-suite JSON files into one. Run by {@code benchmarks/run.sh}:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.moirai.benchmarks.report.Report merge OUT.json IN.json...
 * java -cp benchmarks/target/benchmarks.jar io.moirai.benchmarks.report.Report \
 *     --jmh latest.json [--beyond latest-beyond.json] --md latest.md --png latest.png \
 *     [--command "benchmarks/run.sh --quick"] [--commit abc1234] [--commands commands.txt] \
 *     [--cores 2] [--note "text"]...
 * </pre>
 *
 * The figure quoted for a row is the median of its fork means (JMH's {@code rawData}; for
 * {@code BeyondJmh}, of its rounds), with JMH's 99.9% error; ratios are taken between those
 * medians, Moirai / peer for throughput and peer / Moirai for time, space or CPU per operation, so
 * that higher is always better for Moirai.
 */
public final class Report {

    private Report() {}

    /** Exit code for bad arguments. */
    static final int USAGE = 2;

    /**
     * @param args see the class documentation
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (args.length > 0 && args[0].equals("merge")) {
            if (args.length < 2) {
                usage("merge needs an output file");
            }
            List<Path> inputs = new ArrayList<>();
            for (int i = 2; i < args.length; i++) {
                inputs.add(Path.of(args[i]));
            }
            int n = merge(Path.of(args[1]), inputs);
            System.out.println("merged " + n + " results from " + inputs.size() + " file(s) into " + args[1]);
            return;
        }
        Options o = Options.parse(args);
        List<Result> results = new ArrayList<>();
        if (o.jmh != null && Files.exists(o.jmh)) {
            results.addAll(Result.read(o.jmh));
        } else if (o.jmh != null) {
            System.err.println("report: " + o.jmh + " does not exist: no JMH results");
        }
        if (o.beyond != null && Files.exists(o.beyond)) {
            results.addAll(Result.read(o.beyond));
        } else if (o.beyond != null) {
            System.err.println("report: " + o.beyond + " does not exist: no figures beyond JMH");
        }
        List<Evaluation> evaluations = evaluate(Comparisons.ALL, results, o.cores);
        Context ctx = new Context(ZonedDateTime.now(ZoneOffset.UTC), o.command, o.commit,
                o.commands == null || !Files.exists(o.commands) ? List.of() : Files.readAllLines(o.commands),
                o.cores, totalMemoryBytes(), Libraries.inThisJar(), o.notes,
                o.png == null ? null : o.png.getFileName().toString());
        String md = markdown(evaluations, results, ctx);
        if (o.md != null) {
            Files.writeString(o.md, md);
            System.out.println("report: wrote " + o.md);
        } else {
            System.out.print(md);
        }
        if (o.png != null) {
            writeChart(evaluations, o.png);
            System.out.println("report: wrote " + o.png);
        }
        printSummary(evaluations);
    }

    private static void usage(String problem) {
        System.err.println("report: " + problem);
        System.err.println("usage: Report merge OUT.json IN.json...");
        System.err.println("       Report --jmh FILE [--beyond FILE] [--md FILE] [--png FILE] [--command TEXT]"
                + " [--commit TEXT] [--commands FILE] [--cores N] [--note TEXT]...");
        System.exit(USAGE);
    }

    /** The command line of a report run. */
    static final class Options {
        Path jmh;
        Path beyond;
        Path md;
        Path png;
        Path commands;
        String command = "";
        String commit = "";
        int cores = Runtime.getRuntime().availableProcessors();
        final List<String> notes = new ArrayList<>();

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    usage(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--jmh" -> o.jmh = Path.of(v);
                    case "--beyond" -> o.beyond = Path.of(v);
                    case "--md" -> o.md = Path.of(v);
                    case "--png" -> o.png = Path.of(v);
                    case "--commands" -> o.commands = Path.of(v);
                    case "--command" -> o.command = v;
                    case "--commit" -> o.commit = v;
                    case "--note" -> o.notes.add(v);
                    case "--cores" -> {
                        try {
                            o.cores = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            usage("--cores needs a number, got " + v);
                        }
                    }
                    default -> usage("unknown option " + a);
                }
            }
            return o;
        }
    }

    /**
     * What the report says about the run besides the results.
     *
     * @param time when the report was made
     * @param command the command that made the run
     * @param commit the commit it ran at
     * @param commands the exact commands of the measurements (JMH and BeyondJmh invocations)
     * @param cores the machine's cores
     * @param memoryBytes the machine's memory
     * @param libraries the peer libraries' versions (empty if unknown), see {@link Libraries}
     * @param notes notes to put at the top (e.g. that a quick run is not a figure)
     * @param chartFile the chart's file name, to link it, or {@code null}
     */
    record Context(ZonedDateTime time, String command, String commit, List<String> commands, int cores,
            long memoryBytes, String libraries, List<String> notes, String chartFile) {}

    // ---------------------------------------------------------------- merge

    /**
     * Concatenates JMH result arrays into one file in JMH's format; missing or empty inputs (a suite
     * that failed as a whole) are skipped.
     *
     * @param out the merged file
     * @param inputs the per-suite files
     * @return the number of results written
     * @throws IOException if an input is not a JMH result file or the output cannot be written
     */
    static int merge(Path out, List<Path> inputs) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode all = mapper.createArrayNode();
        for (Path in : inputs) {
            if (Files.exists(in)) {
                all.addAll(Result.readArray(in));
            }
        }
        Result.parse(all); // every element must be a result
        mapper.writeValue(out.toFile(), all);
        return all.size();
    }

    // ---------------------------------------------------------------- evaluation

    /**
     * @param comparisons the comparison table
     * @param results the run's results
     * @param cores the machine's cores
     * @return one evaluation per comparison, in table order
     */
    static List<Evaluation> evaluate(List<Comparison> comparisons, List<Result> results, int cores) {
        List<Evaluation> list = new ArrayList<>();
        for (Comparison c : comparisons) {
            list.add(Evaluation.of(c, results, cores));
        }
        return list;
    }

    private static void printSummary(List<Evaluation> evaluations) {
        Map<Status, Integer> counts = new TreeMap<>();
        for (Evaluation e : evaluations) {
            counts.merge(e.status(), 1, Integer::sum);
        }
        System.out.printf(Locale.ROOT, "report: %d comparisons: %d met, %d missed, %d not run, %d without a target%n",
                evaluations.size(), counts.getOrDefault(Status.MET, 0), counts.getOrDefault(Status.MISSED, 0),
                counts.getOrDefault(Status.NOT_RUN, 0), counts.getOrDefault(Status.NO_TARGET, 0));
        for (Evaluation e : evaluations) {
            if (e.status() == Status.MISSED) {
                System.out.println("report: missed: " + e.comparison().id() + ": " + e.verdict()
                        + " (target " + e.comparison().target().text() + ")");
            }
        }
    }

    // ---------------------------------------------------------------- markdown

    /**
     * @param evaluations the evaluated comparisons
     * @param results every result of the run
     * @param ctx what the report says about the run
     * @return the report in Markdown
     */
    static String markdown(List<Evaluation> evaluations, List<Result> results, Context ctx) {
        StringBuilder md = new StringBuilder();
        md.append("# Moirai and its peers, side by side\n\n");
        List<String> notes = new ArrayList<>(ctx.notes());
        // a capacity figure (BeyondJmh's scale) is one run by nature: it holds or it does not
        int fewForks = (int) results.stream()
                .filter(r -> r.forks() < 3 && !"capacity".equals(r.params().get("kind"))).count();
        if (fewForks > 0) {
            notes.add(fewForks + " of " + results.size() + " rows ran fewer than 3 forks (or rounds): they show that"
                    + " everything runs, but a figure needs the median of at least 3 (METHOD.md).");
        }
        for (String n : notes) {
            md.append("> **Note:** ").append(n).append("\n>\n");
        }
        if (!notes.isEmpty()) {
            md.setLength(md.length() - 2);
            md.append("\n");
        }
        md.append("Made ").append(ctx.time().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
        if (!ctx.commit().isEmpty()) {
            md.append(" at commit `").append(ctx.commit()).append('`');
        }
        if (!ctx.command().isEmpty()) {
            md.append(" by `").append(ctx.command()).append('`');
        }
        md.append(".\n");
        md.append("Machine: ").append(ctx.cores()).append(" cores, ")
                .append(ctx.memoryBytes() > 0 ? number(ctx.memoryBytes() / (1024.0 * 1024 * 1024)) + " GiB memory" : "memory unknown")
                .append(", ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
                .append(". ");
        Set<String> jdks = new LinkedHashSet<>();
        Set<String> jmhs = new LinkedHashSet<>();
        for (Result r : results) {
            if (!r.vmVersion().isEmpty()) {
                jdks.add("JDK " + r.jdkVersion() + " (" + r.vmVersion() + ")");
            }
            if (!r.jmhVersion().isEmpty()) {
                jmhs.add("JMH " + r.jmhVersion());
            }
        }
        List<String> software = new ArrayList<>(jdks);
        software.addAll(jmhs);
        md.append(software.isEmpty() ? "No results." : String.join(", ", software) + ".").append(" JVM flags per suite: see *Settings*.\n");
        if (!ctx.libraries().isEmpty()) {
            md.append("Libraries (as resolved into the benchmarks jar): ").append(ctx.libraries()).append(".\n");
        }
        md.append('\n');
        if (ctx.chartFile() != null) {
            md.append("Chart of the ratios: [`").append(ctx.chartFile()).append("`](").append(ctx.chartFile()).append(").\n\n");
        }

        md.append("| measure | unit | Moirai | peers (reference in bold) | Moirai / peer | target | result |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (Evaluation e : evaluations) {
            Comparison c = e.comparison();
            md.append("| ").append(cell(c.measure())).append(" (").append(c.source()).append(")");
            md.append(" | ").append(cell(c.unit()));
            md.append(" | ").append(cell(c.moirai().label()));
            if (e.moirai() != null && e.moirai().result().benchmark().contains(".beyond.")) {
                // the sizes BeyondJmh ran with (smaller in a smoke run than the measure says)
                List<String> sizes = new ArrayList<>();
                e.moirai().result().params().forEach((k, v) -> {
                    if (!Set.of("kind", "held", "failure").contains(k)) {
                        sizes.add(k + "=" + v);
                    }
                });
                md.append(" (").append(cell(String.join(", ", sizes))).append(')');
            }
            md.append(": ").append(e.moirai() == null ? "not run" : figure(e.moirai()));
            List<String> peerCells = new ArrayList<>();
            List<String> ratioCells = new ArrayList<>();
            for (PeerFigure pf : e.peers()) {
                String label = cell(pf.peer().row().label());
                boolean ref = c.peers().stream().anyMatch(p -> p.reference()) && pf.peer().reference();
                peerCells.add((ref ? "**" + label + "**" : label) + ": " + (pf.figure() == null ? "not run" : figure(pf.figure())));
                String r = ratio(pf.ratio());
                ratioCells.add(ref && !Double.isNaN(pf.ratio()) ? "**" + r + "**" : r);
            }
            md.append(" | ").append(peerCells.isEmpty() ? "—" : String.join("<br>", peerCells));
            md.append(" | ").append(ratioCells.isEmpty() ? "—" : String.join("<br>", ratioCells));
            md.append(" | ").append(cell(c.target().text()));
            md.append(" | ").append(e.status().text);
            if (e.status() != Status.NO_TARGET || !e.verdict().equals("—")) {
                md.append(": ").append(cell(e.verdict()));
            }
            for (String n : e.notes()) {
                md.append("; ").append(cell(n));
            }
            md.append(" |\n");
        }
        md.append("\n");
        md.append("How to read it: a figure is the median of the fork means (JMH's raw data; for the figures beyond JMH,"
                + " the median of the rounds) ± JMH's 99.9% error, or (min-max) of the forks or rounds where JMH gives no"
                + " error. Moirai / peer is Moirai's figure over the peer's for throughput and the peer's over Moirai's"
                + " for time, memory or CPU per operation, so above 1.00x Moirai is ahead. A target \"≥ r best ref.\""
                + " is judged against the strongest reference peer (in bold), as the issue that set it says; other"
                + " peers are shown for context. The comparisons and targets are defined in one table,"
                + " `benchmarks/src/main/java/io/moirai/benchmarks/report/Comparisons.java`.\n\n");

        appendSettings(md, results);
        if (!ctx.commands().isEmpty()) {
            md.append("### Commands\n\n```sh\n");
            for (String line : ctx.commands()) {
                md.append(line).append('\n');
            }
            md.append("```\n\n");
        }
        List<String> programNotes = new ArrayList<>();
        results.forEach(r -> programNotes.addAll(r.notes()));
        if (!programNotes.isEmpty()) {
            md.append("### Notes of the measuring program\n\n");
            programNotes.forEach(n -> md.append("- ").append(n).append('\n'));
            md.append('\n');
        }
        appendAllRows(md, results);
        return md.toString();
    }

    private static void appendSettings(StringBuilder md, List<Result> results) {
        if (results.isEmpty()) {
            return;
        }
        // one line per suite and settings: forks, iterations, JVM flags
        Map<String, Set<String>> bySuite = new LinkedHashMap<>();
        for (Result r : results) {
            String key = r.suite() + "\u0000" + r.forks() + "\u0000" + r.settings() + "\u0000" + String.join(" ", r.jvmArgs());
            bySuite.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(r.benchmark().substring(r.benchmark().lastIndexOf('.') + 1));
        }
        md.append("### Settings\n\n| suite | rows | forks (rounds) | iterations | JVM flags |\n|---|---|---|---|---|\n");
        for (Map.Entry<String, Set<String>> e : bySuite.entrySet()) {
            String[] k = e.getKey().split("\u0000", -1);
            md.append("| ").append(k[0]).append(" | ").append(cell(String.join(", ", e.getValue())))
                    .append(" | ").append(k[1]).append(" | ").append(cell(k[2])).append(" | `")
                    .append(k[3].isEmpty() ? "(none)" : k[3]).append("` |\n");
        }
        md.append("\n");
    }

    private static void appendAllRows(StringBuilder md, List<Result> results) {
        if (results.isEmpty()) {
            return;
        }
        md.append("### Every row measured\n\n| row | parameters | mode | figure | JMH score ± error | unit | forks |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            appendRow(md, r, r.shortName(), r.primary());
            for (Map.Entry<String, Result.Metric> s : r.secondary().entrySet()) {
                appendRow(md, r, r.shortName() + ":" + s.getKey(), s.getValue());
            }
        }
        md.append("\n");
    }

    private static void appendRow(StringBuilder md, Result r, String name, Result.Metric m) {
        md.append("| ").append(cell(name)).append(" | ").append(cell(r.paramsText())).append(" | ").append(r.mode())
                .append(" | ").append(number(m.figure())).append(" | ").append(number(m.score()))
                .append(Double.isNaN(m.error()) ? "" : " ± " + number(m.error())).append(" | ").append(cell(m.unit()))
                .append(" | ").append(r.forks()).append(" |\n");
    }

    /** A figure with its error, or its (min-max) when JMH gave no error and there are several forks. */
    static String figure(Evaluation.Figure f) {
        Result.Metric m = f.metric();
        String s = number(m.figure());
        if (!Double.isNaN(m.error()) && !Double.isInfinite(m.error())) {
            return s + " ± " + error(m.error(), m.figure());
        }
        if (m.forkMeans().size() > 1) {
            return s + " (" + number(m.min()) + "-" + number(m.max()) + ")";
        }
        return s;
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /**
     * @param x a figure
     * @return it with about three significant digits: {@code 1,200}, {@code 151}, {@code 46.3},
     *     {@code 1.62}, {@code 0.0452}; {@code —} for NaN
     */
    static String number(double x) {
        if (Double.isNaN(x)) {
            return "—";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "∞" : "-∞";
        }
        double a = Math.abs(x);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", x);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", x);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", x);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", x);
        }
        if (a == 0) {
            return "0";
        }
        return new BigDecimal(x).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /**
     * @param error an error
     * @param value the figure it belongs to
     * @return the error with as many decimals as {@link #number} gives the figure: {@code 1.62 ± 0.41},
     *     {@code 1,203 ± 24}
     */
    static String error(double error, double value) {
        double a = Math.abs(value);
        int decimals;
        if (a >= 100 || a == 0 || Double.isNaN(a)) {
            decimals = 0;
        } else if (a >= 10) {
            decimals = 1;
        } else if (a >= 1) {
            decimals = 2;
        } else {
            decimals = Math.max(0, 2 - (int) Math.floor(Math.log10(a)));
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", error);
    }

    /** @return a ratio as {@code 1.27x} ({@code 25.4x} from 10 on); {@code —} for NaN */
    static String ratio(double r) {
        if (Double.isNaN(r)) {
            return "—";
        }
        return String.format(Locale.ROOT, r >= 10 ? "%.1fx" : "%.2fx", r);
    }

    private static long totalMemoryBytes() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        return -1;
    }

    // ---------------------------------------------------------------- chart

    /** Colours of the chart's series. */
    private static final Color MET = new Color(0x2e, 0x8b, 0x57);
    private static final Color MISSED = new Color(0xc0, 0x39, 0x2b);
    private static final Color NO_TARGET = new Color(0x95, 0xa5, 0xa6);

    /**
     * The chart of the ratios: one bar per comparison that has one (Moirai / its strongest reference
     * peer, log scale, the ratio written on it), green where the target is met, red where it is
     * missed (absolute targets, such as bytes per pending task, included), grey where there is no
     * target; a diamond at the ratio a ratio target asks for; a dashed line at parity (1.00x).
     *
     * @param evaluations the evaluated comparisons
     * @return the chart, or {@code null} when no comparison has a ratio
     */
    static CategoryChart chart(List<Evaluation> evaluations) {
        List<String> categories = new ArrayList<>();
        List<Double> met = new ArrayList<>();
        List<Double> missed = new ArrayList<>();
        List<Double> other = new ArrayList<>();
        List<Double> target = new ArrayList<>();
        List<Double> parity = new ArrayList<>();
        for (Evaluation e : evaluations) {
            if (Double.isNaN(e.ratio()) || e.ratio() <= 0 || Double.isInfinite(e.ratio())) {
                continue;
            }
            categories.add(e.comparison().id());
            met.add(e.status() == Status.MET ? e.ratio() : null);
            missed.add(e.status() == Status.MISSED ? e.ratio() : null);
            other.add(e.status() == Status.MET || e.status() == Status.MISSED ? null : e.ratio());
            target.add(Double.isNaN(e.targetRatio()) ? null : e.targetRatio());
            parity.add(1.0);
        }
        if (categories.isEmpty()) {
            return null;
        }
        CategoryChart chart = new CategoryChartBuilder()
                .width(Math.max(900, 70 * categories.size() + 200)).height(720)
                .title("Moirai / strongest reference peer (higher is better for Moirai; log scale)")
                .xAxisTitle("comparison (a line of the report's table)")
                .yAxisTitle("Moirai / peer")
                .build();
        // whole decades around every value and parity; an explicit minimum also keeps XChart from
        // anchoring a bar chart's axis at 0, which a log axis cannot show
        double lo = 1.0;
        double hi = 1.0;
        for (List<Double> series : List.of(met, missed, other, target)) {
            for (Double v : series) {
                if (v != null) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        CategoryStyler st = chart.getStyler();
        st.setYAxisLogarithmic(true);
        st.setYAxisMin(Math.pow(10, Math.floor(Math.log10(lo * 0.8))));
        st.setYAxisMax(Math.pow(10, Math.ceil(Math.log10(hi * 1.25))));
        st.setOverlapped(true);
        st.setXAxisLabelRotation(40);
        st.setAvailableSpaceFill(0.6);
        st.setLegendPosition(LegendPosition.OutsideS);
        st.setLegendLayout(LegendLayout.Horizontal);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridVerticalLinesVisible(false);
        st.setYAxisDecimalPattern("0.##");
        st.setMarkerSize(12);
        st.setLabelsVisible(true); // the ratio on each bar, near its top
        st.setLabelsPosition(0.9);
        addBars(chart, "target met", categories, met, MET);
        addBars(chart, "target missed", categories, missed, MISSED);
        addBars(chart, "no target", categories, other, NO_TARGET);
        if (target.stream().anyMatch(v -> v != null)) {
            CategorySeries t = chart.addSeries("ratio the target asks for", categories, target);
            t.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Scatter);
            t.setMarker(SeriesMarkers.DIAMOND);
            t.setMarkerColor(Color.BLACK);
        }
        CategorySeries p = chart.addSeries("parity (1.00x)", categories, parity);
        p.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Line);
        p.setMarker(SeriesMarkers.NONE);
        p.setLineColor(Color.DARK_GRAY);
        p.setLineStyle(SeriesLines.DASH_DASH);
        return chart;
    }

    private static void addBars(CategoryChart chart, String name, List<String> categories, List<Double> values, Color color) {
        if (values.stream().allMatch(v -> v == null)) {
            return;
        }
        CategorySeries s = chart.addSeries(name, categories, values);
        s.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Bar);
        s.setFillColor(color);
    }

    /**
     * Writes {@link #chart} as a PNG; with no ratio to show, writes a small chart that says so, so
     * the file always exists after a run.
     */
    static void writeChart(List<Evaluation> evaluations, Path png) throws IOException {
        CategoryChart chart = chart(evaluations);
        if (chart == null) {
            chart = new CategoryChartBuilder().width(600).height(300).title("no comparison ran: nothing to chart").build();
            chart.addSeries("none", List.of("-"), Collections.singletonList(0.0));
        }
        try (OutputStream out = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }
}

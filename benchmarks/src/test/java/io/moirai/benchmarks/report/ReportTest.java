package io.moirai.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.moirai.benchmarks.beyond.BeyondJmh;
import io.moirai.benchmarks.report.Comparison.Better;
import io.moirai.benchmarks.report.Comparison.Peer;
import io.moirai.benchmarks.report.Comparison.Row;
import io.moirai.benchmarks.report.Comparison.Target;
import io.moirai.benchmarks.report.Evaluation.Status;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;

/**
 * The report on a small fixture: {@code fixture-jmh.json} (JMH's own format, a few rows of five
 * suites, one suite with a secondary metric, one row with one fork and no error) and
 * {@code fixture-beyond.json} (BeyondJmh's figures). Every figure there is chosen so that the
 * expected ratio and verdict can be worked out by hand (see each test).
 */
class ReportTest {

    private static List<Result> results;
    private static List<Evaluation> evaluations;

    @BeforeAll
    static void readFixture() throws Exception {
        System.setProperty("java.awt.headless", "true");
        results = new ArrayList<>(Result.read(fixture("fixture-jmh.json")));
        results.addAll(Result.read(fixture("fixture-beyond.json")));
        evaluations = Report.evaluate(Comparisons.ALL, results, 2);
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(ReportTest.class.getResource(name).toURI());
    }

    private static Evaluation evaluation(String id) {
        return evaluations.stream().filter(e -> e.comparison().id().equals(id)).findFirst().orElseThrow();
    }

    // ---------------------------------------------------------------- reading JMH's JSON

    @Test
    void readsJmhJsonWithParamsSecondaryMetricsAndNaN() {
        assertThat(results).hasSize(16 + 6);
        Result moirai = results.get(0);
        assertThat(moirai.benchmark()).isEqualTo("io.moirai.benchmarks.TaskRoundTripBenchmark.moirai");
        assertThat(moirai.shortName()).isEqualTo("TaskRoundTripBenchmark.moirai");
        assertThat(moirai.suite()).isEqualTo("TaskRoundTripBenchmark");
        assertThat(moirai.mode()).isEqualTo("avgt");
        assertThat(moirai.params()).containsEntry("workers", "auto");
        assertThat(moirai.jvmArgs()).containsExactly("-Xms1g", "-Xmx1g");
        assertThat(moirai.primary().unit()).isEqualTo("us/op");
        assertThat(moirai.primary().error()).isEqualTo(0.41);
        // fork means 1.55, 1.65, 1.62: the figure is their median, not JMH's mean
        assertThat(moirai.primary().forkMeans()).hasSize(3);
        assertThat(moirai.primary().figure()).isCloseTo(1.62, within(1e-9));

        Result tpe = results.get(2);
        assertThat(tpe.primary().error()).isNaN(); // JMH writes "NaN" as a string
        assertThat(tpe.forks()).isEqualTo(1);

        Result fire = results.stream().filter(r -> r.shortName().equals("TimerBenchmark.fireMoirai")).findFirst().orElseThrow();
        assertThat(fire.metric("timer").figure()).isEqualTo(151.0);
        assertThat(fire.metric("timer").unit()).isEqualTo("ns/op");
        assertThat(fire.metric(null)).isSameAs(fire.primary());

        Result idle = results.stream().filter(r -> r.shortName().equals("BeyondJmh.idleCpu")).findFirst().orElseThrow();
        assertThat(idle.settings()).isEqualTo("3 rounds, median");
        assertThat(idle.notes()).hasSize(1);
        assertThat(idle.primary().figure()).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void anEmptyFileIsNoResults(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.json"), "");
        assertThat(Result.read(empty)).isEmpty();
    }

    // ---------------------------------------------------------------- evaluation

    @Test
    void timePerOperationIsInvertedSoHigherIsBetter() {
        Evaluation e = evaluation("round trip");
        assertThat(e.better()).isEqualTo(Better.LOWER);
        // CompletableFuture on ForkJoinPool: fork means 41, 41, 42 -> 41; Moirai 1.62 -> 41 / 1.62
        assertThat(e.ratio()).isCloseTo(41 / 1.62, within(1e-9));
        assertThat(e.status()).isEqualTo(Status.MET);
        assertThat(e.targetRatio()).isEqualTo(1.25);
        // the non-reference peer is shown with its own ratio; the peers that did not run have none
        assertThat(e.peers().get(1).ratio()).isCloseTo(21.4 / 1.62, within(1e-9));
        assertThat(e.peers().get(2).figure()).isNull();
        assertThat(e.peers().get(2).ratio()).isNaN();
    }

    @Test
    void throughputBelowTheTargetIsMissed() {
        Evaluation e = evaluation("fan-out");
        assertThat(e.better()).isEqualTo(Better.HIGHER);
        assertThat(e.ratio()).isCloseTo(30.0 / 36.0, within(1e-9));
        assertThat(e.status()).isEqualTo(Status.MISSED);
        assertThat(e.verdict()).contains("0.83x");
    }

    @Test
    void parametersSelectTheLikeForLikeRows() {
        Evaluation oneThread = evaluation("echo 1 thread");
        assertThat(oneThread.ratio()).isCloseTo(1200.0 / 1000.0, within(1e-9));
        assertThat(oneThread.status()).isEqualTo(Status.MET);
        Evaluation defaults = evaluation("echo default");
        assertThat(defaults.ratio()).isCloseTo(2188.0 / 2432.0, within(1e-9));
        assertThat(defaults.status()).isEqualTo(Status.MISSED);
    }

    @Test
    void aSecondaryMetricIsComparedWhenTheRowNamesIt() {
        Evaluation e = evaluation("timers fire");
        assertThat(e.moirai().value()).isEqualTo(151.0);
        assertThat(e.ratio()).isCloseTo(547.0 / 151.0, within(1e-9));
        assertThat(e.status()).isEqualTo(Status.MET);
    }

    @Test
    void theParallelMapTargetIsCappedByThePhysicalLimit() {
        // best ordered peer 1.85; 1.2 x 1.85 = 2.22 exceeds 2 cores x 0.95 = 1.90: the target becomes
        // >= 95% of 1.90 (1.805) and >= 1.0x the best peer; Moirai 1.88 meets both
        Evaluation e = evaluation("parallel map");
        assertThat(e.ratio()).isCloseTo(1.88 / 1.85, within(1e-9));
        assertThat(e.status()).isEqualTo(Status.MET);
        assertThat(e.verdict()).contains("capped");
        assertThat(e.targetRatio()).isEqualTo(1.0); // max(0.95 x 1.90 / 1.85 = 0.976, 1.0)

        // with 4 cores the limit (3.8) no longer caps it: 1.2x the best peer is asked for, and missed
        Evaluation uncapped = Evaluation.of(e.comparison(), results, 4);
        assertThat(uncapped.targetRatio()).isEqualTo(1.2);
        assertThat(uncapped.status()).isEqualTo(Status.MISSED);

        Evaluation scaling = evaluation("parallel map scaling");
        assertThat(scaling.ratio()).isCloseTo(1.88 / 0.97, within(1e-9));
        assertThat(scaling.status()).isEqualTo(Status.MET);
    }

    @Test
    void absoluteTargetsJudgeMoiraiAloneAndStillShowThePeers() {
        Evaluation delay = evaluation("pending delay");
        assertThat(delay.moirai().value()).isEqualTo(56.0);
        assertThat(delay.status()).isEqualTo(Status.MET);
        assertThat(delay.ratio()).isCloseTo(88.0 / 56.0, within(1e-9));
        assertThat(delay.targetRatio()).isNaN();

        Evaluation async = evaluation("pending async");
        assertThat(async.status()).isEqualTo(Status.MISSED);
        assertThat(async.verdict()).isEqualTo("140 > 128");

        Evaluation idle = evaluation("idle CPU");
        assertThat(idle.status()).isEqualTo(Status.MET);
        assertThat(idle.ratio()).isNaN();

        Evaluation scale = evaluation("scale");
        assertThat(scale.status()).isEqualTo(Status.MET);
        assertThat(scale.moirai().value()).isEqualTo(812.5);
    }

    @Test
    void comparisonsWithoutResultsAreNotRun() {
        assertThat(evaluation("handoff push").status()).isEqualTo(Status.NOT_RUN);
        assertThat(evaluation("RxJava subscribeOn").status()).isEqualTo(Status.NOT_RUN);
        assertThat(evaluation("fan-out split").status()).isEqualTo(Status.NO_TARGET);
    }

    @Test
    void aModeThatContradictsTheTableDecidesTheDirection() {
        Row moirai = Comparisons.row("m", "X.moirai");
        Row peer = Comparisons.row("p", "X.peer");
        Comparison c = new Comparison("x", "x", "x", Better.LOWER, moirai, List.of(new Peer(peer, true)),
                new Target.AtLeast(1.0), "test");
        List<Result> thrpt = List.of(result("X.moirai", "thrpt", 20), result("X.peer", "thrpt", 10));
        Evaluation e = Evaluation.of(c, thrpt, 2);
        assertThat(e.better()).isEqualTo(Better.HIGHER);
        assertThat(e.ratio()).isEqualTo(2.0);
        assertThat(e.notes()).anyMatch(n -> n.contains("thrpt"));
    }

    private static Result result(String name, String mode, double score) {
        Result.Metric m = new Result.Metric(score, Double.NaN, "ops/s", List.of(score));
        return new Result("io.moirai.benchmarks." + name, mode, Map.of(), 1, m, Map.of(), "", "", List.of(), "", "", List.of());
    }

    // ---------------------------------------------------------------- the table itself

    @Test
    void everyJmhRowOfTheTableIsABenchmarkMethodWithTheDeclaredDirection() throws Exception {
        Set<String> ids = new HashSet<>();
        for (Comparison c : Comparisons.ALL) {
            assertThat(ids.add(c.id())).as("unique id %s", c.id()).isTrue();
            if (c.target() instanceof Target.AtLeast || c.target() instanceof Target.AtLeastWithinLimit) {
                assertThat(c.peers()).as("%s has a peer", c.id()).isNotEmpty();
                assertThat(c.peers()).as("%s has a reference peer", c.id()).anyMatch(Peer::reference);
            }
            List<Row> rows = new ArrayList<>();
            rows.add(c.moirai());
            c.peers().forEach(p -> rows.add(p.row()));
            for (Row row : rows) {
                String[] parts = row.benchmark().split("\\.");
                assertThat(parts).as(row.benchmark()).hasSize(2);
                if (parts[0].equals("BeyondJmh")) {
                    assertThat(BeyondJmh.FIGURES).as("%s is written by BeyondJmh", row.benchmark()).contains(parts[1]);
                    assertThat(c.better()).isEqualTo(Better.LOWER); // BeyondJmh writes mode ss
                    continue;
                }
                Class<?> suite = Class.forName("io.moirai.benchmarks." + parts[0]);
                Method method = java.util.Arrays.stream(suite.getMethods())
                        .filter(m -> m.getName().equals(parts[1]) && m.isAnnotationPresent(Benchmark.class))
                        .findFirst().orElse(null);
                assertThat(method).as("@Benchmark %s", row.benchmark()).isNotNull();
                BenchmarkMode mode = method.getAnnotation(BenchmarkMode.class);
                if (mode == null) {
                    mode = suite.getAnnotation(BenchmarkMode.class);
                }
                assertThat(mode).as("mode of %s", row.benchmark()).isNotNull();
                Better byMode = mode.value()[0] == Mode.Throughput ? Better.HIGHER : Better.LOWER;
                assertThat(c.better()).as("direction of %s in %s", row.benchmark(), c.id()).isEqualTo(byMode);
            }
        }
    }

    // ---------------------------------------------------------------- outputs

    @Test
    void markdownHasOneLinePerComparisonWithFiguresRatiosAndVerdicts() {
        Report.Context ctx = new Report.Context(ZonedDateTime.of(2026, 11, 30, 12, 0, 0, 0, ZoneOffset.UTC),
                "benchmarks/run.sh --smoke", "abc1234", List.of("java -jar benchmarks/target/benchmarks.jar -f 1 X"),
                2, 24L << 30, "reactor-core 3.8.7, RxJava 3.1.12", List.of("Smoke run: not a figure."), "latest.png");
        String md = Report.markdown(evaluations, results, ctx);
        List<String> lines = md.lines().collect(Collectors.toList());
        int header = lines.indexOf("| measure | unit | Moirai | peers (reference in bold) | Moirai / peer | target | result |");
        assertThat(header).isGreaterThan(0);
        List<String> table = lines.subList(header + 2, header + 2 + Comparisons.ALL.size());
        assertThat(table).allMatch(l -> l.startsWith("| ") && l.endsWith(" |"));
        assertThat(lines.get(header + 2 + Comparisons.ALL.size())).isEmpty();

        String roundTrip = table.get(0);
        assertThat(roundTrip).contains("(issue 2)", "spawn(..).join(): 1.62 ± 0.41",
                "**CompletableFuture.supplyAsync on ForkJoinPool(n)**: 41.0 ± 3.5", "**25.3x**",
                "ThreadPoolExecutor(n) submit().get(): 21.4", "13.2x", "Reactor subscribeOn(parallel()).block(): not run",
                "≥ 1.25x best ref.", "| met: 25.3x vs CompletableFuture");
        assertThat(table.get(1)).contains("**missed**: 0.83x");
        assertThat(md).contains("> **Note:** Smoke run: not a figure.", "fewer than 3 forks",
                "at commit `abc1234` by `benchmarks/run.sh --smoke`", "Machine: 2 cores, 24.0 GiB",
                "JDK 17.0.15", "JMH 1.37", "Libraries (as resolved into the benchmarks jar): reactor-core 3.8.7, RxJava 3.1.12.",
                "### Settings", "`-Xms1g -Xmx1g`", "### Commands",
                "java -jar benchmarks/target/benchmarks.jar -f 1 X", "### Every row measured",
                "| TimerBenchmark.fireMoirai:timer |", "idle window 1: process 20.0 ms CPU", "[`latest.png`](latest.png)");
        // the idle CPU figure has no error: its (min-max) over the windows is shown instead
        assertThat(md).contains("default runtime (connections=10000, timers=100000, window=10 s): 0.25 (0.2-0.3)");
        // a comparison that did not run says so on its line
        assertThat(table.stream().filter(l -> l.contains("Handoff of 1,000,000 items")).findFirst().orElseThrow())
                .contains("| not run: Moirai row not run |");
    }

    @Test
    void chartHasABarPerComparisonWithARatioAndIsWrittenAsPng(@TempDir Path dir) throws IOException {
        CategoryChart chart = Report.chart(evaluations);
        assertThat(chart).isNotNull();
        assertThat(chart.getSeriesMap()).containsKeys("target met", "target missed", "ratio the target asks for", "parity (1.00x)");
        // pending delay (absolute target met) is green, pending async (missed) red; nothing here lacks a target
        assertThat(chart.getSeriesMap()).doesNotContainKey("no target");
        assertThat(new ArrayList<Object>(chart.getSeriesMap().get("target met").getYData()))
                .containsExactly(41 / 1.62, null, 1.2, null, 547.0 / 151.0, 1.88 / 1.85, 1.88 / 0.97, 88.0 / 56.0, null);
        List<Object> categories = new ArrayList<>(chart.getSeriesMap().get("parity (1.00x)").getXData());
        assertThat(categories).containsExactly("round trip", "fan-out", "echo 1 thread", "echo default", "timers fire",
                "parallel map", "parallel map scaling", "pending delay", "pending async");
        Path png = dir.resolve("chart.png");
        Report.writeChart(evaluations, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isGreaterThanOrEqualTo(900);
    }

    @Test
    void aRunWithNoResultsStillWritesAReportAndAChart(@TempDir Path dir) throws IOException {
        List<Evaluation> none = Report.evaluate(Comparisons.ALL, List.of(), 2);
        assertThat(none).allMatch(e -> e.status() == Status.NOT_RUN || e.status() == Status.NO_TARGET);
        Path png = dir.resolve("empty.png");
        Report.writeChart(none, png);
        assertThat(ImageIO.read(png.toFile())).isNotNull();
        Report.Context ctx = new Report.Context(ZonedDateTime.now(ZoneOffset.UTC), "", "", List.of(), 2, -1, "", List.of(), null);
        assertThat(Report.markdown(none, List.of(), ctx)).contains("No results.");
    }

    @Test
    void mergeConcatenatesJmhFilesAndSkipsMissingOnes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("merged.json");
        Path empty = Files.writeString(dir.resolve("failed-suite.json"), "");
        int n = Report.merge(out, List.of(fixture("fixture-jmh.json"), empty, dir.resolve("missing.json"),
                fixture("fixture-beyond.json")));
        assertThat(n).isEqualTo(22);
        List<Result> merged = Result.read(out);
        assertThat(merged).hasSize(22);
        assertThat(merged.get(0).shortName()).isEqualTo("TaskRoundTripBenchmark.moirai");
        assertThat(merged.get(21).shortName()).isEqualTo("BeyondJmh.scale");
    }

    @Test
    void librariesAreNamedWithTheVersionsTheDependencyListResolved() {
        String list = String.join("\n",
                "",
                "The following files have been resolved:",
                "   io.netty:netty-transport-native-epoll:jar:linux-x86_64:4.2.17.Final:runtime -- module io.netty.transport.epoll [auto]",
                "   io.reactivex.rxjava3:rxjava:jar:3.1.12:compile -- module io.reactivex.rxjava3",
                "   io.projectreactor:reactor-core:jar:3.8.7:compile -- module reactor.core [auto]",
                "   io.netty:netty-transport:jar:4.2.17.Final:compile -- module io.netty.transport [auto]",
                "   org.jctools:jctools-core:jar:4.0.7:compile",
                "");
        assertThat(Libraries.describe(list)).isEqualTo("reactor-core 3.8.7, Netty 4.2.17.Final, RxJava 3.1.12, JCTools 4.0.7");
        assertThat(Libraries.describe("")).isEmpty();
    }

    @Test
    void theBuildPutsTheDependencyListWhereTheReportReadsIt() {
        // written by maven-dependency-plugin into target/classes, which is on the tests' class path
        assertThat(Libraries.inThisJar()).contains("reactor-core 3.", "reactor-netty 1.", "Netty 4.", "RxJava 3.",
                "RSocket 1.", "JCTools 4.");
    }

    @Test
    void numbersKeepAboutThreeSignificantDigits() {
        assertThat(Report.number(1199.84)).isEqualTo("1,200");
        assertThat(Report.number(151.07)).isEqualTo("151");
        assertThat(Report.number(46.34)).isEqualTo("46.3");
        assertThat(Report.number(1.618)).isEqualTo("1.62");
        assertThat(Report.number(0.04523)).isEqualTo("0.0452");
        assertThat(Report.number(Double.NaN)).isEqualTo("—");
        assertThat(Report.ratio(25.42)).isEqualTo("25.4x");
        assertThat(Report.ratio(1.266)).isEqualTo("1.27x");
        assertThat(Report.error(23.7, 1203)).isEqualTo("24");
        assertThat(Report.error(0.0426, 1.54)).isEqualTo("0.04");
        assertThat(Report.error(0.00123, 0.0452)).isEqualTo("0.0012");
    }
}

package io.moirai.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark result, reduced to what the report reads: an element of JMH's JSON result array
 * ({@code -rf json}), or a {@code BeyondJmh} figure, which is written in the same shape.
 *
 * <p>JMH's JSON is an array of objects with {@code benchmark} (the fully qualified method name),
 * {@code mode} ({@code thrpt}, {@code avgt}, {@code sample}, {@code ss}), {@code forks},
 * {@code jvmArgs}, {@code jdkVersion}, {@code vmVersion}, warm-up and measurement settings,
 * {@code params} (absent when the benchmark has none), {@code primaryMetric} and
 * {@code secondaryMetrics} (a map from name to metric). A metric has {@code score},
 * {@code scoreError} (the half-width of the 99.9% confidence interval; the string {@code "NaN"} when
 * there were too few iterations), {@code scoreUnit} and {@code rawData}: one array per fork holding
 * that fork's measurement iterations.
 *
 * @param benchmark the fully qualified benchmark name, e.g. {@code io.moirai.benchmarks.FanOutBenchmark.moirai}
 * @param mode JMH's short mode name
 * @param params the benchmark's parameters (empty when it has none)
 * @param forks the forks JMH ran (for a {@code BeyondJmh} figure: the rounds)
 * @param primary the primary metric
 * @param secondary the secondary metrics by name
 * @param jdkVersion the JDK version the fork ran on, or {@code ""}
 * @param vmVersion the VM version, or {@code ""}
 * @param jvmArgs the JVM arguments of the forks
 * @param settings warm-up and measurement settings as JMH states them, e.g. {@code 10 x 1 s warm-up, 5 x 1 s}
 * @param jmhVersion the JMH version, or {@code ""} ({@code BeyondJmh} figures have none)
 * @param notes what the measuring program noted beside the figure ({@code BeyondJmh}'s {@code notes}
 *     field; JMH writes none)
 */
record Result(String benchmark, String mode, Map<String, String> params, int forks, Metric primary,
        Map<String, Metric> secondary, String jdkVersion, String vmVersion, List<String> jvmArgs, String settings,
        String jmhVersion, List<String> notes) {

    /**
     * One metric of a result.
     *
     * @param score JMH's score: the mean over all measurement iterations of all forks
     * @param error the half-width of JMH's 99.9% confidence interval, {@code NaN} when unknown
     * @param unit the score's unit, e.g. {@code ops/us}, {@code us/op}
     * @param forkMeans the mean of each fork's measurement iterations, in fork order (empty when the
     *     JSON has no raw data)
     */
    record Metric(double score, double error, String unit, List<Double> forkMeans) {

        /**
         * The figure the report quotes: the median of the fork means (METHOD.md asks for the
         * median of at least three forks), or JMH's score when there is no raw data.
         */
        double figure() {
            return forkMeans.isEmpty() ? score : median(forkMeans);
        }

        /** @return the smallest fork mean, or the score */
        double min() {
            return forkMeans.stream().mapToDouble(Double::doubleValue).min().orElse(score);
        }

        /** @return the largest fork mean, or the score */
        double max() {
            return forkMeans.stream().mapToDouble(Double::doubleValue).max().orElse(score);
        }
    }

    /** @return the benchmark's class and method, e.g. {@code FanOutBenchmark.moirai} */
    String shortName() {
        int method = benchmark.lastIndexOf('.');
        int cls = method <= 0 ? -1 : benchmark.lastIndexOf('.', method - 1);
        return benchmark.substring(cls + 1);
    }

    /** @return the benchmark's class's simple name, e.g. {@code FanOutBenchmark} */
    String suite() {
        String s = shortName();
        int dot = s.indexOf('.');
        return dot < 0 ? s : s.substring(0, dot);
    }

    /**
     * @param name a secondary metric's name, or {@code null} for the primary metric
     * @return the metric, or {@code null} when the result has no such secondary metric
     */
    Metric metric(String name) {
        return name == null ? primary : secondary.get(name);
    }

    /** @return the parameters as {@code k=v, ...}, or {@code ""} */
    String paramsText() {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return sb.toString();
    }

    // ---------------------------------------------------------------- reading

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Reads a JMH JSON result file (an array; an empty file, which JMH leaves when every benchmark
     * failed, reads as no results).
     *
     * @param file the file
     * @return its results, in file order
     * @throws IOException if the file cannot be read or is not a JSON array
     */
    static List<Result> read(Path file) throws IOException {
        return parse(readArray(file));
    }

    /**
     * Reads a JSON array file; an empty or blank file is an empty array.
     *
     * @param file the file
     * @return the array
     * @throws IOException if the file cannot be read or does not hold a JSON array
     */
    static ArrayNode readArray(Path file) throws IOException {
        String text = java.nio.file.Files.readString(file);
        if (text.isBlank()) {
            return MAPPER.createArrayNode();
        }
        JsonNode root = MAPPER.readTree(text);
        if (!root.isArray()) {
            throw new IOException(file + ": not a JMH result file (expected a JSON array, found " + root.getNodeType() + ")");
        }
        return (ArrayNode) root;
    }

    /**
     * @param array JMH's result array
     * @return the results it holds
     * @throws IOException if an element lacks {@code benchmark} or {@code primaryMetric}
     */
    static List<Result> parse(ArrayNode array) throws IOException {
        List<Result> results = new ArrayList<>();
        for (JsonNode node : array) {
            results.add(parse(node));
        }
        return results;
    }

    private static Result parse(JsonNode node) throws IOException {
        String benchmark = node.path("benchmark").asText("");
        if (benchmark.isEmpty() || !node.has("primaryMetric")) {
            throw new IOException("not a JMH result (no benchmark or primaryMetric): " + node);
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.path("params").properties()) {
            params.put(e.getKey(), e.getValue().asText());
        }
        Map<String, Metric> secondary = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.path("secondaryMetrics").properties()) {
            secondary.put(e.getKey(), metric(e.getValue()));
        }
        List<String> jvmArgs = new ArrayList<>();
        node.path("jvmArgs").forEach(a -> jvmArgs.add(a.asText()));
        List<String> notes = new ArrayList<>();
        node.path("notes").forEach(a -> notes.add(a.asText()));
        // BeyondJmh states its settings in words; JMH as iteration counts and times
        String settings = node.hasNonNull("settings") ? node.get("settings").asText()
                : node.path("warmupIterations").asInt() + " x " + node.path("warmupTime").asText("?")
                        + " warm-up, " + node.path("measurementIterations").asInt() + " x "
                        + node.path("measurementTime").asText("?");
        return new Result(benchmark, node.path("mode").asText(""), Collections.unmodifiableMap(params),
                node.path("forks").asInt(0), metric(node.get("primaryMetric")), Collections.unmodifiableMap(secondary),
                node.path("jdkVersion").asText(""), node.path("vmVersion").asText(""), List.copyOf(jvmArgs), settings,
                node.path("jmhVersion").asText(""), List.copyOf(notes));
    }

    private static Metric metric(JsonNode node) {
        List<Double> forkMeans = new ArrayList<>();
        for (JsonNode fork : node.path("rawData")) {
            double sum = 0;
            int n = 0;
            for (JsonNode v : fork) {
                double d = number(v);
                if (!Double.isNaN(d)) {
                    sum += d;
                    n++;
                }
            }
            if (n > 0) {
                forkMeans.add(sum / n);
            }
        }
        return new Metric(number(node.get("score")), number(node.get("scoreError")),
                node.path("scoreUnit").asText(""), List.copyOf(forkMeans));
    }

    /** A JSON number, or JMH's {@code "NaN"} (and {@code "Infinity"}) strings; anything else is NaN. */
    static double number(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return Double.NaN;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        try {
            return Double.parseDouble(v.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** @return the median of {@code values} (the mean of the middle two for an even count); NaN if empty */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}

package io.moirai.benchmarks.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versions of the peer libraries a run measured: read from the list of resolved dependencies that
 * the build writes into the benchmarks jar ({@value #RESOURCE}, maven-dependency-plugin's {@code list}
 * goal), so that a report names the versions that produced its figures rather than the ones a reader
 * assumes. The suites and the report run from the same jar in {@code run.sh}.
 *
 * <p>Stateless; any thread.
 */
final class Libraries {

    /** Where the build puts the dependency list, inside the jar. */
    static final String RESOURCE = "/META-INF/moirai-benchmarks/libraries.txt";

    /** groupId:artifactId of each library a comparison measures, and the name the report gives it. */
    private static final Map<String, String> NAMED = new LinkedHashMap<>();

    static {
        NAMED.put("io.projectreactor:reactor-core", "reactor-core");
        NAMED.put("io.projectreactor.netty:reactor-netty-core", "reactor-netty");
        NAMED.put("io.netty:netty-transport", "Netty");
        NAMED.put("io.reactivex.rxjava3:rxjava", "RxJava");
        NAMED.put("io.rsocket:rsocket-core", "RSocket");
        NAMED.put("org.jctools:jctools-core", "JCTools");
    }

    // "   io.projectreactor:reactor-core:jar:3.8.7:compile -- module reactor.core [auto]"
    private static final Pattern LINE = Pattern.compile("^\\s*([\\w.-]+):([\\w.-]+):[\\w-]+:(?:[\\w.-]+:)?([^:\\s]+):\\w+");

    private Libraries() {}

    /**
     * @return the named libraries in this jar with their versions, e.g. {@code "reactor-core 3.8.7, RxJava
     *     3.1.12"}; empty when the jar carries no dependency list (run from an IDE's class path)
     */
    static String inThisJar() {
        try (InputStream in = Libraries.class.getResourceAsStream(RESOURCE)) {
            return in == null ? "" : describe(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
    }

    /**
     * @param dependencyList the text of maven-dependency-plugin's {@code list} output
     * @return the named libraries it lists with their versions, in {@link #NAMED}'s order
     */
    static String describe(String dependencyList) {
        Map<String, String> versions = new LinkedHashMap<>();
        dependencyList.lines().forEach(line -> {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                versions.put(m.group(1) + ":" + m.group(2), m.group(3));
            }
        });
        List<String> named = new ArrayList<>();
        NAMED.forEach((coordinates, name) -> {
            String version = versions.get(coordinates);
            if (version != null) {
                named.add(name + " " + version);
            }
        });
        return String.join(", ", named);
    }
}

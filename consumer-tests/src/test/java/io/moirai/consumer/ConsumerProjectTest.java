package io.moirai.consumer;

import static io.moirai.consumer.Build.child;
import static io.moirai.consumer.Build.children;
import static io.moirai.consumer.Build.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * A fresh project that imports {@code moirai-bom} and names the modules it uses without versions
 * compiles against the published artifacts: the consumer pom is the README's own ("Use it from your
 * project"), the source is {@code src/test/consumer}, and Maven (the one running this build) compiles
 * it in a process of its own.
 *
 * <p>{@code mvn verify} does not install, so the test lays the artifacts out in a temporary local
 * repository exactly as {@code mvn -B -q -DskipTests install} would (each module's pom and jars under
 * {@code io/moirai/<artifact>/<version>/}, the parent's and the BOM's poms beside them). The consumer
 * build uses that repository and nothing from the network: its only remote repository is a mirror of
 * every repository onto this build's own local repository (a {@code file:} URL), which holds the
 * third-party libraries and plugins the build itself resolved.
 */
class ConsumerProjectTest {

    private static final String SECTION = "## Use it from your project";

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theReadmesConsumerPomCompilesAgainstTheInstalledArtifacts(@TempDir Path temp) throws Exception {
        Build.assumePackaged();
        String pom = readmePom();
        checkPinnedVersions(pom);

        Path repository = temp.resolve("repository");
        install(repository);

        Path project = temp.resolve("consumer");
        copyTree(Build.ROOT.resolve("consumer-tests").resolve("src").resolve("test").resolve("consumer"), project);
        Files.writeString(project.resolve("pom.xml"), pom);
        Path settings = temp.resolve("settings.xml");
        Files.writeString(settings, settings());

        Path log = Build.ROOT.resolve("consumer-tests").resolve("target").resolve("consumer-build.log");
        Files.createDirectories(log.getParent());
        List<String> command = List.of(maven(), "-B", "-q", "-s", settings.toString(),
                "-Dmaven.repo.local=" + repository, "compile");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("MAVEN_OPTS");
        builder.environment().remove("MAVEN_ARGS");
        Process process = builder.start();
        boolean ended = process.waitFor(4, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(ended).as("the consumer build ended within 4 minutes; its output:%n%s", output).isTrue();
        assertThat(process.exitValue()).as("%s in %s exited with; its output:%n%s", command, project, output).isZero();
        assertThat(project.resolve("target/classes/com/example/app/App.class")).isRegularFile();

        // the libraries the modules bring along were resolved for the consumer, through the modules' poms
        for (String library : List.of("io/projectreactor/reactor-core", "io/reactivex/rxjava3/rxjava",
                "io/micrometer/micrometer-core", "org/jctools/jctools-core", "org/reactivestreams/reactive-streams")) {
            assertThat(repository.resolve(library)).as(library).isDirectory();
        }
    }

    /** The first xml block of the README's section on using Moirai from a project. */
    static String readmePom() throws IOException {
        String readme = Files.readString(Build.ROOT.resolve("README.md"));
        int section = readme.indexOf("\n" + SECTION + "\n");
        assertThat(section).as("the README's section \"%s\"", SECTION).isPositive();
        int start = readme.indexOf("```xml\n", section);
        assertThat(start).as("an xml block in that section").isPositive();
        int end = readme.indexOf("```", start + 7);
        return readme.substring(start + 7, end);
    }

    /**
     * The README's pom imports the BOM at this build's version and pins the plugins of the compile
     * phase to this build's versions, which is what lets the consumer build run without the network.
     */
    private static void checkPinnedVersions(String pom) {
        Element project = Build.parse(pom);
        Element management = child(child(project, "dependencyManagement").orElseThrow(), "dependencies").orElseThrow();
        Element bom = children(management, "dependency").get(0);
        assertThat(text(bom, "artifactId")).contains("moirai-bom");
        assertThat(text(bom, "version")).as("the README's BOM version").contains(Build.VERSION);
        assertThat(text(bom, "scope")).contains("import");
        for (Element dependency : children(child(project, "dependencies").orElseThrow(), "dependency")) {
            assertThat(text(dependency, "version")).as("a version on %s: the BOM gives it", text(dependency, "artifactId"))
                    .isEmpty();
        }
        List<String> pinned = new ArrayList<>();
        Element plugins = child(child(project, "build").orElseThrow(), "plugins").orElseThrow();
        for (Element plugin : children(plugins, "plugin")) {
            pinned.add(text(plugin, "artifactId").orElseThrow() + ":" + text(plugin, "version").orElse("none"));
        }
        assertThat(pinned).as("the README pins the build's own plugin versions").contains(
                "maven-compiler-plugin:" + System.getProperty("moirai.compilerPluginVersion"),
                "maven-resources-plugin:" + System.getProperty("moirai.resourcesPluginVersion"));
    }

    /** What {@code mvn install} puts into a local repository for the parent, the BOM and each published module. */
    private static void install(Path repository) throws IOException {
        put(repository, "moirai-parent", Build.ROOT.resolve("pom.xml"), "pom");
        put(repository, "moirai-bom", Build.ROOT.resolve("bom").resolve("pom.xml"), "pom");
        for (Build.Module module : Build.publishedJarModules()) {
            put(repository, module.artifactId(), module.pomFile(), "pom");
            put(repository, module.artifactId(), module.jar(""), "jar");
            put(repository, module.artifactId(), module.jar("sources"), "sources.jar");
            put(repository, module.artifactId(), module.jar("javadoc"), "javadoc.jar");
        }
    }

    private static void put(Path repository, String artifactId, Path file, String extension) throws IOException {
        String suffix = extension.endsWith(".jar") ? "-" + extension : "." + extension;
        Path target = repository.resolve("io/moirai").resolve(artifactId).resolve(Build.VERSION)
                .resolve(artifactId + "-" + Build.VERSION + suffix);
        Files.createDirectories(target.getParent());
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String settings() {
        Path buildRepository = Path.of(System.getProperty("moirai.buildRepository")).toAbsolutePath();
        return """
                <settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
                  <mirrors>
                    <mirror>
                      <id>this-build</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(buildRepository.toUri());
    }

    private static String maven() {
        Path mvn = Path.of(System.getProperty("moirai.mavenHome"), "bin", "mvn");
        assertThat(mvn).as("the Maven running this build").isExecutable();
        return mvn.toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}

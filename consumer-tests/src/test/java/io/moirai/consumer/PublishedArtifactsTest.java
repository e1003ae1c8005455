package io.moirai.consumer;

import static io.moirai.consumer.Build.child;
import static io.moirai.consumer.Build.children;
import static io.moirai.consumer.Build.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * The published artifacts as a repository and a consumer see them: the BOM (its own pom, no parent,
 * at the build's version, listing every published module and nothing else), and each published jar
 * (a module name, a sources jar and a javadoc jar beside it).
 */
class PublishedArtifactsTest {

    /** The module name of each published artifact (DESIGN.md, "Modules added"). */
    private static final Map<String, String> MODULE_NAMES = Map.of(
            "moirai-core", "io.moirai.core",
            "moirai-reactor", "io.moirai.reactor",
            "moirai-rxjava3", "io.moirai.rxjava3",
            "moirai-micrometer", "io.moirai.micrometer",
            "moirai-rsocket", "io.moirai.rsocket");

    private static Element bom() {
        return Build.parse(Build.ROOT.resolve("bom").resolve("pom.xml"));
    }

    @Test
    void theBomIsBuiltWithTheRestAtTheParentsVersionAndHasNoParent() {
        Element root = Build.rootPom();
        Element bom = bom();
        assertThat(Build.modules()).extracting(Build.Module::directory).contains("bom");
        assertThat(child(bom, "parent")).as("a parent would pass its dependencyManagement on to importers").isEmpty();
        assertThat(text(bom, "groupId")).contains("io.moirai");
        assertThat(text(bom, "artifactId")).contains("moirai-bom");
        assertThat(text(bom, "packaging")).contains("pom");
        assertThat(text(bom, "version")).as("bom/pom.xml's version, kept equal to the parent's by hand")
                .isEqualTo(text(root, "version")).contains(Build.VERSION);
        Element rootProperties = child(root, "properties").orElseThrow();
        Element bomProperties = child(bom, "properties").orElseThrow();
        for (String plugin : List.of("install-plugin.version", "deploy-plugin.version")) {
            assertThat(text(bomProperties, plugin)).as("bom/pom.xml's %s, kept equal to the parent's by hand", plugin)
                    .isEqualTo(text(rootProperties, plugin)).isPresent();
        }
        for (String required : List.of("name", "description", "url", "licenses", "scm", "developers")) {
            assertThat(child(bom, required)).as("the BOM's <%s>, which a repository requires", required).isPresent();
        }
    }

    @Test
    void theBomManagesOnlyMoiraiArtifactsAtItsOwnVersion() {
        Element bom = bom();
        assertThat(child(bom, "dependencies")).as("a BOM manages, it does not depend").isEmpty();
        for (Element dependency : managed(bom)) {
            assertThat(text(dependency, "groupId")).contains("io.moirai");
            assertThat(text(dependency, "version")).as(text(dependency, "artifactId").orElseThrow())
                    .contains("${project.version}");
            assertThat(text(dependency, "scope")).as("no import of another BOM").isEmpty();
            assertThat(MODULE_NAMES).as("an artifact the BOM names").containsKey(text(dependency, "artifactId").orElseThrow());
        }
    }

    @Test
    void everyPublishedModuleIsInTheBom() {
        List<String> inBom = new ArrayList<>();
        for (Element dependency : managed(bom())) {
            inBom.add(text(dependency, "artifactId").orElseThrow());
        }
        List<String> published = Build.publishedJarModules().stream().map(Build.Module::artifactId).toList();
        assertThat(published).contains("moirai-core", "moirai-reactor", "moirai-rxjava3", "moirai-micrometer");
        assertThat(inBom).containsAll(published);
    }

    @Test
    void theModulesThatAreNotPublishedAreNeitherDeployedNorInstalled() {
        for (Build.Module module : Build.modules()) {
            if (module.packaging().equals("jar") && !module.published()) {
                Element properties = child(module.pom(), "properties").orElseThrow();
                assertThat(text(properties, "maven.install.skip")).as(module.directory()).contains("true");
                assertThat(text(properties, "maven.javadoc.skip")).as(module.directory()).contains("true");
                assertThat(text(properties, "maven.source.skip")).as(module.directory()).contains("true");
            }
        }
        assertThat(Build.modules().stream().filter(m -> !m.published()).map(Build.Module::directory))
                .contains("tck-tests", "stress-tests", "examples", "benchmarks");
    }

    @Test
    void everyPublishedJarNamesItsModuleAndHasSourcesAndJavadocBesideIt() throws Exception {
        Build.assumePackaged();
        for (Build.Module module : Build.publishedJarModules()) {
            Path jar = module.jar("");
            assertThat(MODULE_NAMES).as("the module name of %s", module.artifactId()).containsKey(module.artifactId());
            Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
            assertThat(found).as("%s as a module", jar).hasSize(1);
            ModuleDescriptor descriptor = found.iterator().next().descriptor();
            assertThat(descriptor.name()).as("%s's module name", jar).isEqualTo(MODULE_NAMES.get(module.artifactId()));
            assertThat(descriptor.isAutomatic()).as("%s is an automatic module", jar)
                    .isEqualTo(!module.artifactId().equals("moirai-core"));

            try (ZipFile sources = new ZipFile(module.jar("sources").toFile())) {
                assertThat(sources.stream().filter(e -> e.getName().endsWith(".java")).count())
                        .as("%s's sources", module.artifactId()).isPositive();
            }
            try (ZipFile javadoc = new ZipFile(module.jar("javadoc").toFile())) {
                assertThat(javadoc.getEntry("index.html")).as("%s's javadoc", module.artifactId()).isNotNull();
                assertThat(javadoc.stream().map(e -> e.getName()).filter(n -> n.contains("/internal/")).toList())
                        .as("%s's javadoc documents no internal package", module.artifactId()).isEmpty();
            }
        }
    }

    private static List<Element> managed(Element bom) {
        Element management = child(bom, "dependencyManagement").orElseThrow();
        return children(child(management, "dependencies").orElseThrow(), "dependency");
    }
}

package io.moirai.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The build as the tests of this module see it: the root pom, its modules, which of them are
 * published (a jar module that does not skip deployment) and where their packaged jars lie.
 */
final class Build {

    static final Path ROOT = Path.of(property("moirai.root")).toAbsolutePath().normalize();
    static final String VERSION = property("moirai.version");

    private Build() {}

    /** A module of the root pom. */
    record Module(String directory, Element pom) {

        String artifactId() {
            return text(pom, "artifactId").orElseThrow();
        }

        String packaging() {
            return text(pom, "packaging").orElse("jar");
        }

        boolean published() {
            Optional<Element> properties = child(pom, "properties");
            boolean skipsDeploy = properties.flatMap(p -> text(p, "maven.deploy.skip")).map(Boolean::parseBoolean)
                    .orElse(false);
            return packaging().equals("jar") && !skipsDeploy;
        }

        Path pomFile() {
            return ROOT.resolve(directory).resolve("pom.xml");
        }

        /** The packaged jar with the given classifier ("" for the main jar). */
        Path jar(String classifier) {
            String suffix = classifier.isEmpty() ? "" : "-" + classifier;
            return ROOT.resolve(directory).resolve("target").resolve(artifactId() + "-" + VERSION + suffix + ".jar");
        }
    }

    static Element rootPom() {
        return parse(ROOT.resolve("pom.xml"));
    }

    static List<Module> modules() {
        List<Module> modules = new ArrayList<>();
        for (Element module : children(child(rootPom(), "modules").orElseThrow(), "module")) {
            String directory = module.getTextContent().trim();
            modules.add(new Module(directory, parse(ROOT.resolve(directory).resolve("pom.xml"))));
        }
        return modules;
    }

    static List<Module> publishedJarModules() {
        return modules().stream().filter(Module::published).toList();
    }

    /**
     * Stops the calling test (as skipped, with the reason) when the published modules were compiled
     * but not packaged, as under {@code mvn test}; under {@code mvn verify} every jar is there.
     */
    static void assumePackaged() {
        String classPath = System.getProperty("java.class.path");
        boolean coreIsAJar = false;
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (entry.contains("moirai-core-") && entry.endsWith(".jar")) {
                coreIsAJar = true;
            }
        }
        Assumptions.assumeTrue(coreIsAJar,
                "the published modules are not packaged in this run (mvn test?): the check runs under mvn verify");
        for (Module module : publishedJarModules()) {
            assertThat(module.jar("")).as("%s was not packaged before consumer-tests ran: build from the root",
                    module.directory()).isRegularFile();
        }
    }

    static Element parse(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
        } catch (Exception e) {
            throw new AssertionError("cannot read " + file + ": " + e, e);
        }
    }

    static Element parse(String xml) {
        try {
            Path file = Files.createTempFile("pom", ".xml");
            try {
                Files.writeString(file, xml);
                return parse(file);
            } finally {
                Files.delete(file);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Optional<Element> child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    static Optional<String> text(Element parent, String name) {
        return child(parent, name).map(e -> e.getTextContent().trim());
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set: run the tests through Maven (see the module's pom)");
        }
        return value;
    }
}

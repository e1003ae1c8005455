package io.moirai.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version} of every command: the project's version, read from the jar manifest's
 * {@code Implementation-Version} (the examples pom writes it into the jar and the shaded jar), or, when
 * the classes run outside a jar (tests, an IDE), from {@code io/moirai/examples/version.properties},
 * which the build fills in; then the JVM's. Stateless; any thread.
 */
public final class Version implements IVersionProvider {

    /** What {@code --version} says when neither source has a version. */
    static final String UNKNOWN = "(version unknown: neither the manifest nor version.properties has one)";

    @Override
    public String[] getVersion() {
        return new String[] {
            "Moirai examples " + current(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                    + System.getProperty("java.vendor") + ")",
        };
    }

    /** @return the project's version, as described above */
    public static String current() {
        return choose(Version.class.getPackage().getImplementationVersion(), fromResource());
    }

    /**
     * @param manifest the manifest's {@code Implementation-Version}, or null
     * @param resource {@code version.properties}' version, or null
     * @return the first that is a real version, else {@link #UNKNOWN}
     */
    static String choose(String manifest, String resource) {
        if (manifest != null && !manifest.isBlank()) {
            return manifest.trim();
        }
        if (resource != null && !resource.isBlank() && !resource.contains("${")) { // unfiltered: no version
            return resource.trim();
        }
        return UNKNOWN;
    }

    private static String fromResource() {
        try (InputStream in = Version.class.getResourceAsStream("/io/moirai/examples/version.properties")) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}

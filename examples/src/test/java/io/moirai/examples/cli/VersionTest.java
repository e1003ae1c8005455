package io.moirai.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where {@code --version} takes the version from: the manifest first, the filtered resource next. */
class VersionTest {

    @Test
    void theManifestComesFirstThenTheResource() {
        assertThat(Version.choose("1.2.3", "0.0.1")).isEqualTo("1.2.3");
        assertThat(Version.choose(null, "0.0.1")).isEqualTo("0.0.1");
        assertThat(Version.choose(" ", "0.0.1 ")).isEqualTo("0.0.1");
        assertThat(Version.choose(null, "${project.version}")).isEqualTo(Version.UNKNOWN); // not filtered
        assertThat(Version.choose(null, null)).isEqualTo(Version.UNKNOWN);
    }

    @Test
    void fromClassesTheBuildFilledResourceGivesARealVersion() {
        assertThat(Version.current()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }
}

package io.moirai.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.moirai.Moirai;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's snippets stay in sync with {@link ReadmeSnippets}, which compiles them, and the runnable ones run. */
@Timeout(60)
class ReadmeSnippetsTest {

    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    /** Collapses runs of white space, so indentation and alignment do not matter. */
    private static String normalize(String code) {
        return code.replaceAll("\\s+", " ").trim();
    }

    @Test
    void everyJavaBlockOfTheReadmeIsCompiledByReadmeSnippets() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String snippets = normalize(Files.readString(
                Path.of("src", "test", "java", "io", "moirai", "examples", "ReadmeSnippets.java")));
        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(readme);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertThat(blocks).as("java blocks in the README").hasSizeGreaterThanOrEqualTo(5);
        for (String block : blocks) {
            assertThat(snippets).as("README block not found verbatim in ReadmeSnippets.java:%n%s", block)
                    .contains(normalize(block));
        }
    }

    @Test
    void theAdapterSnippetsRun() {
        try (Moirai moirai = Moirai.builder().workerThreads(2).threadNamePrefix("readme").build()) {
            ReadmeSnippets s = new ReadmeSnippets();
            assertThat(s.reactor(moirai)).hasSize(1_000).startsWith(0, 1, 4, 9);
            assertThat(s.rxjava(moirai)).isEqualTo(500L);
            s.streams(moirai);
            assertThat(s.rsocket(moirai)).containsExactly("a", "b", "c");
            assertThat(s.rsocketRecipe(moirai)).containsExactly("49", "0,1,4,9");
            assertThat(s.micrometer(moirai).get("moirai.workers").tag("runtime", "main").gauge().value()).isEqualTo(2.0);
        }
    }
}

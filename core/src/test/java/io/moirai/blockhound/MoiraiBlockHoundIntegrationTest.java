package io.moirai.blockhound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The integration names the runtime's waits as strings (BlockHound's API): each must name a method
 * that exists, so a rename cannot silently turn an allowed wait into a false report. Whether BlockHound
 * then reports what it should is the {@code blockhound-tests} module's subject (BlockHound is JVM-wide,
 * so it is installed only there).
 */
class MoiraiBlockHoundIntegrationTest {

    @Test
    void everyAllowedAndDisallowedMethodExists() throws Exception {
        for (Map<String, List<String>> table : List.of(MoiraiBlockHoundIntegration.ALLOWED,
                MoiraiBlockHoundIntegration.DISALLOWED)) {
            for (Map.Entry<String, List<String>> e : table.entrySet()) {
                Class<?> type = Class.forName(e.getKey());
                List<String> declared = Arrays.stream(type.getDeclaredMethods()).map(Method::getName).toList();
                for (String method : e.getValue()) {
                    assertThat(declared).as("%s.%s", type.getName(), method).contains(method);
                }
            }
        }
    }

    @Test
    void theServiceFileNamesTheIntegration() throws Exception {
        try (InputStream in = MoiraiBlockHoundIntegration.class.getResourceAsStream(
                "/META-INF/services/reactor.blockhound.integration.BlockHoundIntegration")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim())
                    .isEqualTo(MoiraiBlockHoundIntegration.class.getName());
        }
    }
}

package dev.kmp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Durations, sizes, ${env:...} and the service config's own validation. */
class ValueParsingTest {
    @Test
    void durations() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("10s"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        for (String bad : List.of("10", "", "s", "10 seconds", "-1s", "1d")) {
            assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
        }
        assertEquals("1m30s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
    }

    @Test
    void sizes() {
        assertEquals(1L << 20, Sizes.parse("1MiB"));
        assertEquals(256L << 20, Sizes.parse("256MiB"));
        assertEquals(512L << 10, Sizes.parse("512KiB"));
        assertEquals(10_000_000L, Sizes.parse("10MB"));
        assertEquals(1234, Sizes.parse("1234"));
        assertEquals(3L << 30, Sizes.parse("3GiB"));
        for (String bad : List.of("", "MiB", "1XB", "1 parsec", "-1")) {
            assertThrows(IllegalArgumentException.class, () -> Sizes.parse(bad), bad);
        }
    }

    @Test
    void environmentSubstitution() {
        EnvSubstitution env = new EnvSubstitution(Map.of("HOST", "kong", "EMPTY", "")::get);
        assertEquals("http://kong:8100", env.expand("http://${env:HOST}:8100"));
        assertEquals("fallback", env.expand("${env:NOPE:-fallback}"));
        assertEquals("fallback", env.expand("${env:EMPTY:-fallback}"), "an empty variable takes the default");
        assertEquals("", env.expand("${env:EMPTY}"));
        assertEquals("cost: $5", env.expand("cost: $$5"));
        assertEquals("a:-b", env.expand("${env:NOPE:-a:-b}"));
        var missing = assertThrows(IllegalArgumentException.class, () -> env.expand("${env:NOPE}"));
        assertTrue(missing.getMessage().contains("NOPE is not set"));
        assertThrows(IllegalArgumentException.class, () -> env.expand("${file:/x}"));
        assertThrows(IllegalArgumentException.class, () -> env.expand("${env:HOST"));
    }

    @Test
    void serviceConfigDefaultsAndMistakes() {
        Problems problems = new Problems();
        ConfigNode root = YamlFiles.parse("application.yaml", """
                server:
                  port: 9090
                pipelines:
                  path: /etc/kmp/pipelines
                kubernetes:
                  enabled: maybe
                reconciler:
                  enabeld: false
                """, problems, new EnvSubstitution(n -> null));
        ServiceConfig c = ServiceConfig.parse(root);
        assertEquals(9090, c.port());
        assertEquals("/etc/kmp/pipelines", c.pipelinesPath());
        assertEquals(Duration.ofSeconds(5), c.reloadInterval());
        assertTrue(c.warmup(), "the scrape path is warmed up unless switched off");
        assertEquals(List.of(
                "application.yaml:6: kubernetes.enabled: 'maybe' is not one of auto, true, false",
                "application.yaml:8: reconciler.enabeld: unknown key (did you mean 'enabled'?)"),
                problems.all().stream().map(Problem::toString).toList());
    }

    @Test
    void warmupCanBeSwitchedOff() {
        Problems problems = new Problems();
        ConfigNode root = YamlFiles.parse("application.yaml", "pipelines:\n  warmup: false\n", problems,
                new EnvSubstitution(n -> null));
        assertFalse(ServiceConfig.parse(root).warmup());
        assertTrue(problems.all().isEmpty(), problems.all().toString());
    }
}

package dev.kmp.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine exists here, so the Dockerfile is checked by reading it: stages, the runtime
 * stage's base, user, health check and contents.
 */
class DockerfileTest {
    /** One instruction, its continuation lines joined. */
    record Instruction(String keyword, String args) {
    }

    /** One FROM ... [AS name] and what follows it. */
    record Stage(String base, String name, List<Instruction> instructions) {
        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
        }
    }

    static List<Stage> parse(String dockerfile) {
        List<Stage> stages = new ArrayList<>();
        StringBuilder logical = new StringBuilder();
        List<String> lines = new ArrayList<>();
        for (String raw : dockerfile.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") && logical.isEmpty() || line.isEmpty() && logical.isEmpty()) {
                continue;
            }
            if (line.endsWith("\\")) {
                logical.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            logical.append(line);
            lines.add(logical.toString());
            logical.setLength(0);
        }
        Pattern from = Pattern.compile("(?i)FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?");
        for (String l : lines) {
            String[] kv = l.split("\\s+", 2);
            String keyword = kv[0].toUpperCase(Locale.ROOT);
            if (keyword.equals("FROM")) {
                Matcher m = from.matcher(l);
                assertTrue(m.matches(), l);
                stages.add(new Stage(m.group(1), m.group(2), new ArrayList<>()));
            } else {
                assertFalse(stages.isEmpty(), "instruction before FROM: " + l);
                stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, kv.length > 1 ? kv[1] : ""));
            }
        }
        return stages;
    }

    static List<Stage> stages() throws IOException {
        return parse(Files.readString(Path.of("Dockerfile")));
    }

    @Test
    void multiStageWithASmallRuntimeWithoutBuildTools() throws IOException {
        List<Stage> stages = stages();
        assertTrue(stages.size() >= 2, "multi-stage");
        Stage runtime = stages.get(stages.size() - 1);
        String base = runtime.base().toLowerCase(Locale.ROOT);
        assertFalse(base.contains("jdk") || base.contains("maven") || base.contains("gradle"), "runtime base " + base);
        assertTrue(base.contains("slim") || base.contains("distroless") || base.contains("jre"), "a slim base: " + base);
        for (String run : runtime.all("RUN")) {
            assertFalse(run.matches("(?s).*\\b(mvn|mvnw|apt-get install|javac|gradle)\\b.*"), "build tool in the runtime stage: " + run);
        }
        List<String> names = stages.stream().map(Stage::name).toList();
        for (String copy : runtime.all("COPY")) {
            Matcher m = Pattern.compile("--from=(\\S+)").matcher(copy);
            if (m.find()) {
                assertTrue(names.contains(m.group(1)), "COPY --from a named earlier stage: " + copy);
                assertFalse(copy.contains("/src/ ") || copy.contains(".m2"), "no sources or Maven repository: " + copy);
            }
        }
        // The JRE is jlink'ed from the modules jdeps finds.
        String jlink = stages.stream().flatMap(s -> s.all("RUN").stream()).filter(r -> r.contains("jlink")).findFirst().orElse("");
        assertTrue(jlink.contains("jdeps") && jlink.contains("--print-module-deps"), "jlink with jdeps' modules: " + jlink);
        assertTrue(runtime.all("COPY").stream().anyMatch(c -> c.startsWith("--from=jre ")), "the runtime copies the jlink'ed JRE");
    }

    @Test
    void runsAsANumericNonRootUser() throws IOException {
        List<String> users = stages().get(stages().size() - 1).all("USER");
        assertFalse(users.isEmpty(), "USER in the runtime stage");
        String user = users.get(users.size() - 1);
        assertTrue(user.matches("\\d+(:\\d+)?"), "numeric USER (runAsNonRoot can verify only numbers): " + user);
        assertNotEquals("0", user.split(":")[0]);
        // The Deployment's runAsUser is the same user.
        assertTrue(Files.readString(Path.of("deploy", "deployment.yaml")).contains("runAsUser: " + user.split(":")[0]));
    }

    @Test
    void healthCheckNeedsNoCurl() throws IOException {
        List<String> checks = stages().get(stages().size() - 1).all("HEALTHCHECK");
        assertEquals(1, checks.size(), "one HEALTHCHECK");
        String check = checks.get(0);
        assertFalse(check.contains("curl") || check.contains("wget"), check);
        Matcher m = Pattern.compile("(dev\\.kmp\\.[\\w.]+)").matcher(check);
        assertTrue(m.find(), "runs a class of the service: " + check);
        Path source = Path.of("src", "main", "java", m.group(1).replace('.', '/') + ".java");
        assertTrue(Files.exists(source), source + " exists");
        assertTrue(check.contains("/healthz"), check);
    }

    @Test
    void configAndPipelinesInsideAndReadOnlyRootFriendly() throws IOException {
        Stage runtime = stages().get(stages().size() - 1);
        List<String> copies = runtime.all("COPY");
        assertTrue(copies.contains("config/ /app/config/"), copies.toString());
        assertTrue(copies.contains("pipelines/ /app/pipelines/"), copies.toString());
        String env = String.join(" ", runtime.all("ENV"));
        assertTrue(env.contains("TMPDIR=/tmp") && env.contains("-Djava.io.tmpdir=/tmp"), "temp dir on /tmp: " + env);
        assertTrue(String.join(" ", runtime.all("ENTRYPOINT")).contains("/app/kong-metrics-pipeline.jar"));
        assertTrue(String.join(" ", runtime.all("CMD")).contains("/app/config/application.yaml"));
    }

    @Test
    void theImageRunsTheCollectorAndHeapThatBenchRunMeasures() throws IOException {
        Stage runtime = stages().get(stages().size() - 1);
        String entrypoint = String.join(" ", runtime.all("ENTRYPOINT"));
        String bench = Files.readString(Path.of("bench", "run"));
        assertTrue(entrypoint.contains("-XX:+UseParallelGC") && bench.contains("-XX:+UseParallelGC"), entrypoint);
        // 75% of the Deployment's 1Gi limit is bench/run's default -Xmx768m.
        assertTrue(String.join(" ", runtime.all("ENV")).contains("-XX:MaxRAMPercentage=75"));
        assertTrue(Files.readString(Path.of("deploy", "deployment.yaml")).contains("memory: 1Gi"));
        assertTrue(bench.contains("KMP_BENCH_HEAP:-768m"), "bench/run's default heap");
    }

    @Test
    void parserSeesThroughContinuationsAndComments() {
        List<Stage> s = parse("""
                # c
                FROM a:1 AS one
                RUN x \\
                  && y
                FROM b
                USER 1:1
                """);
        assertEquals(2, s.size());
        assertEquals(List.of("x  && y"), s.get(0).all("RUN"));
        assertEquals(null, s.get(1).name());
        assertEquals(List.of("1:1"), s.get(1).all("USER"));
    }
}

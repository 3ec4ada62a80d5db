package dev.kmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.config.ConfigNode;
import dev.kmp.config.EnvSubstitution;
import dev.kmp.config.Problem;
import dev.kmp.config.Problems;
import dev.kmp.config.ServiceConfig;
import dev.kmp.config.YamlFiles;
import dev.kmp.pipeline.PipelineConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The configuration the README shows is read by the real code, so the reference cannot drift: every
 * YAML block of README.md and config/application.yaml goes through the same validation as a user's
 * file. Snippets may be partial (no pipeline, unset variables), but a key the code does not know, an
 * unknown component type or a value it refuses fails the build.
 */
class ReadmeConfigExamplesTest {
    private static final Set<String> PIPELINE_KEYS = Set.of("receivers", "processors", "exporters", "service");
    private static final Set<String> SERVICE_KEYS = Set.of("server", "pipelines", "kubernetes", "reconciler");
    private static final List<String> DRIFT = List.of("unknown key", "unknown receiver type", "unknown processor type",
            "unknown exporter type", "is not a", "is not one of", "is not true or false", "expected a");

    private static List<String> yamlBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        String[] lines = markdown.split("\n");
        StringBuilder current = null;
        for (String line : lines) {
            if (current == null && line.strip().equals("```yaml")) {
                current = new StringBuilder();
            } else if (current != null && line.strip().equals("```")) {
                blocks.add(current.toString());
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        return blocks;
    }

    private static List<String> drift(Problems problems) {
        return problems.all().stream().map(Problem::toString).filter(p -> DRIFT.stream().anyMatch(p::contains)).toList();
    }

    @Test
    void everyYamlBlockOfTheReadmeIsReadByTheCode() throws Exception {
        List<String> blocks = yamlBlocks(Files.readString(Path.of("README.md")));
        assertTrue(blocks.size() >= 5, "README yaml blocks found: " + blocks.size());
        EnvSubstitution env = new EnvSubstitution(name -> null);
        int pipelineBlocks = 0;
        int serviceBlocks = 0;
        for (int i = 0; i < blocks.size(); i++) {
            String name = "README.md yaml block " + (i + 1);
            Problems problems = new Problems();
            ConfigNode root = YamlFiles.parse(name, blocks.get(i), problems, env);
            if (root.keys().stream().anyMatch(PIPELINE_KEYS::contains)) {
                new PipelineConfigLoader(Main.factories(), env).validate(List.of(root), List.of(name), problems);
                pipelineBlocks++;
            } else if (root.keys().stream().anyMatch(SERVICE_KEYS::contains)) {
                ServiceConfig.parse(root);
                serviceBlocks++;
            } else {
                continue;
            }
            assertEquals(List.of(), drift(problems), name + ":\n" + blocks.get(i));
        }
        assertTrue(pipelineBlocks >= 4, "pipeline examples checked: " + pipelineBlocks);
    }

    @Test
    void theShippedServiceConfigIsValid() {
        Problems problems = new Problems();
        ServiceConfig.parse(YamlFiles.read(Path.of("config", "application.yaml"), problems, new EnvSubstitution(n -> null)));
        assertEquals(List.of(), problems.all().stream().map(Problem::toString).toList());
    }
}

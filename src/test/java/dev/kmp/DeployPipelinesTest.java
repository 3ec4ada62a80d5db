package dev.kmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.config.EnvSubstitution;
import dev.kmp.config.Problem;
import dev.kmp.pipeline.PipelineConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pipelines that deploy/ ships (and its examples suggest) load without a problem with every real factory. */
class DeployPipelinesTest {
    private static PipelineConfigLoader.Result load(Path file) {
        return new PipelineConfigLoader(Main.factories(), new EnvSubstitution(Map.<String, String>of()::get)).load(file);
    }

    @Test
    void inClusterDefaultIsValid() {
        PipelineConfigLoader.Result r = load(Path.of("deploy", "pipelines", "kubernetes.yaml"));
        assertEquals(List.of(), r.problems().all().stream().map(Problem::toString).toList());
        assertTrue(r.config().exporters().containsKey("k8smetrics"), "the APIService objects need the k8smetrics exporter");
        assertTrue(r.config().exporters().containsKey("prometheus"));
    }

    @Test
    void examplePipelinesAreValid() {
        for (String f : List.of("pipeline-datadog-agent.yaml", "pipeline-k8smetrics.yaml")) {
            PipelineConfigLoader.Result r = load(Path.of("deploy", "examples", f));
            assertEquals(List.of(), r.problems().all().stream().map(Problem::toString).toList(), f);
        }
    }

    @Test
    void aBrokenPipelineIsReported() {
        // The check above is only worth something if the loader does refuse: a typo'd copy must fail.
        PipelineConfigLoader.Result r = new PipelineConfigLoader(Main.factories(), new EnvSubstitution(Map.<String, String>of()::get))
                .load(Path.of("src", "test", "resources", "deploy", "broken-pipeline.yaml"));
        assertTrue(!r.ok() && r.problems().errors().stream().anyMatch(p -> p.toString().contains("broken-pipeline.yaml:")),
                r.problems().all().toString());
    }
}

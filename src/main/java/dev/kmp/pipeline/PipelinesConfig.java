package dev.kmp.pipeline;

import java.util.List;
import java.util.Map;

/** A validated set of pipeline files merged into one: component ids are global across files. */
public record PipelinesConfig(
        Map<String, ComponentSpec> receivers,
        Map<String, ComponentSpec> processors,
        Map<String, ComponentSpec> exporters,
        List<PipelineSpec> pipelines,
        List<String> files) {
    public PipelinesConfig {
        receivers = Map.copyOf(receivers);
        processors = Map.copyOf(processors);
        exporters = Map.copyOf(exporters);
        pipelines = List.copyOf(pipelines);
        files = List.copyOf(files);
    }
}

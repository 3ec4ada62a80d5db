package dev.kmp.pipeline;

import java.util.List;

/** One entry of {@code service.pipelines}: component ids in order. */
public record PipelineSpec(String id, List<String> receivers, List<String> processors, List<String> exporters) {
    public PipelineSpec {
        receivers = List.copyOf(receivers);
        processors = List.copyOf(processors);
        exporters = List.copyOf(exporters);
    }
}

package dev.kmp.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.config.EnvSubstitution;
import dev.kmp.config.Problems;
import dev.kmp.config.YamlFiles;
import dev.kmp.model.Batch;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.ScalarSeries;
import dev.kmp.model.TargetId;
import dev.kmp.processor.filter.FilterProcessorFactory;
import dev.kmp.telemetry.SelfMetrics;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Wiring, fan-out and reload of the pipeline runtime, with hand-driven components. */
class PipelineRuntimeTest {
    private final TestComponents.ManualReceiverFactory receivers = new TestComponents.ManualReceiverFactory();
    private final TestComponents.RecordingExporterFactory exporters = new TestComponents.RecordingExporterFactory();
    private final Factories factories = Factories.builder()
            .receiver(receivers).processor(new FilterProcessorFactory()).exporter(exporters).build();
    private final PipelineRuntime runtime = new PipelineRuntime(factories, new ComponentContext(new SelfMetrics(), Clock.systemUTC()));

    private PipelinesConfig config(String yaml) {
        Problems problems = new Problems();
        var root = YamlFiles.parse("test.yaml", yaml, problems, new EnvSubstitution(n -> null));
        var result = new PipelineConfigLoader(factories, new EnvSubstitution(n -> null)).validate(List.of(root), List.of("test.yaml"), problems);
        assertTrue(result.ok(), problems.report());
        return result.config();
    }

    private static Batch batch(String receiver, String url, String... families) {
        List<MetricFamily> fs = new java.util.ArrayList<>();
        for (String f : families) {
            fs.add(new MetricFamily(f, MetricType.GAUGE, "", List.of(new ScalarSeries(f, Labels.of("dataplane_url", url), 1))));
        }
        return Batch.success(new TargetId(receiver, url), Labels.EMPTY, 0, fs);
    }

    private static final String TWO_PIPELINES = """
            receivers:
              manual: {targets: [u1]}
            processors:
              filter/latency: {include: [kong_*_latency_ms]}
            exporters:
              recording/all: {}
              recording/latency: {}
              recording/copy: {}
            service:
              pipelines:
                metrics/all: {receivers: [manual], exporters: [recording/all, recording/copy]}
                metrics/latency: {receivers: [manual], processors: [filter/latency], exporters: [recording/latency]}
            """;

    @Test
    void oneReceiverFeedsSeveralPipelinesAndFansOut() {
        runtime.apply(config(TWO_PIPELINES));
        receivers.created.getFirst().emit(batch("manual", "u1", "kong_upstream_latency_ms", "kong_bandwidth_bytes"));

        TargetId t = new TargetId("manual", "u1");
        assertEquals(2, exporters.byId.get("recording/all").latest.get(t).families().size());
        assertEquals(2, exporters.byId.get("recording/copy").latest.get(t).families().size());
        assertEquals(List.of("kong_upstream_latency_ms"),
                exporters.byId.get("recording/latency").latest.get(t).families().stream().map(MetricFamily::name).toList());
        runtime.close();
        assertTrue(receivers.created.getFirst().stopped);
        assertTrue(exporters.byId.values().stream().allMatch(e -> e.stopped));
    }

    @Test
    void reloadKeepsUnchangedComponentsAndForgetsWhatIsNoLongerWired() {
        runtime.apply(config(TWO_PIPELINES));
        var receiver = receivers.created.getFirst();
        receiver.emit(batch("manual", "u1", "kong_upstream_latency_ms"));
        var all = exporters.byId.get("recording/all");
        var copy = exporters.byId.get("recording/copy");
        var latency = exporters.byId.get("recording/latency");

        // recording/copy leaves metrics/all; recording/latency gets a new config; the receiver is unchanged.
        runtime.apply(config(TWO_PIPELINES
                .replace("exporters: [recording/all, recording/copy]", "exporters: [recording/all]")
                .replace("recording/copy: {}", "")
                .replace("recording/latency: {}", "recording/latency: {tag: v2}")));

        assertEquals(1, receivers.created.size(), "an unchanged receiver keeps running");
        assertFalse(receiver.stopped);
        assertSame(all, exporters.byId.get("recording/all"), "an unchanged exporter keeps its state");
        assertEquals(1, all.latest.size());
        assertTrue(copy.stopped, "a removed exporter is shut down");
        assertTrue(latency.stopped, "a changed exporter is replaced");
        var latency2 = exporters.byId.get("recording/latency");
        assertNotSame(latency, latency2);

        receiver.emit(batch("manual", "u1", "kong_upstream_latency_ms", "kong_bandwidth_bytes"));
        assertEquals(2, all.latest.get(new TargetId("manual", "u1")).families().size());
        assertEquals(1, latency2.latest.get(new TargetId("manual", "u1")).families().size());
    }

    @Test
    void exporterThatStaysButLosesAReceiverForgetsItsTargets() {
        String yaml = """
                receivers:
                  manual/a: {targets: [a1, a2]}
                  manual/b: {targets: [b1]}
                exporters:
                  recording: {}
                service:
                  pipelines:
                    metrics: {receivers: [manual/a, manual/b], exporters: [recording]}
                """;
        runtime.apply(config(yaml));
        var a = receivers.created.stream().filter(r -> r.id.equals("manual/a")).findFirst().orElseThrow();
        var b = receivers.created.stream().filter(r -> r.id.equals("manual/b")).findFirst().orElseThrow();
        a.emit(batch("manual/a", "a1", "x"));
        a.emit(batch("manual/a", "a2", "x"));
        b.emit(batch("manual/b", "b1", "x"));
        var rec = exporters.byId.get("recording");
        assertEquals(3, rec.latest.size());

        // manual/b removed entirely; manual/a changed (one target left).
        runtime.apply(config(yaml.replace("  manual/b: {targets: [b1]}\n", "")
                .replace("[manual/a, manual/b]", "[manual/a]")
                .replace("[a1, a2]", "[a1]")));
        assertTrue(b.stopped);
        assertTrue(a.stopped, "a receiver whose config changed is replaced");
        assertEquals(0, rec.latest.size(), "nothing of the old receivers lingers");
        var a2 = receivers.created.getLast();
        assertEquals("manual/a", a2.id);
        a2.emit(batch("manual/a", "a1", "x"));
        assertEquals(1, rec.latest.size());
    }

    @Test
    void aFailedScrapeReachesExportersSoTheyDropTheTarget() {
        runtime.apply(config(TWO_PIPELINES));
        var receiver = receivers.created.getFirst();
        receiver.emit(batch("manual", "u1", "kong_upstream_latency_ms"));
        receiver.emit(Batch.failure(new TargetId("manual", "u1"), Labels.EMPTY, 0, "refused"));
        assertTrue(exporters.byId.get("recording/all").latest.get(new TargetId("manual", "u1")).failed());
    }
}

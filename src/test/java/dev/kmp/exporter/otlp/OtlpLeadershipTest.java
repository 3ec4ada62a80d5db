package dev.kmp.exporter.otlp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.kubernetes.ServiceTagDirectory;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.Leadership;
import dev.kmp.telemetry.SelfMetrics;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Only the leader replica pushes: an exporter follows the Lease from creation until shutdown. */
class OtlpLeadershipTest {
    @Test
    void followsLeadershipUntilShutdown() {
        Leadership leadership = new Leadership(false);
        ComponentContext context = new ComponentContext(new SelfMetrics(), Clock.systemUTC(), Optional.empty(),
                Optional.empty(), new ServiceTagDirectory(), leadership);
        OtlpExporter exporter = new OtlpExporterFactory().create("otlp/test",
                OtlpTestExporters.config("endpoint: http://127.0.0.1:9\ninterval: 1h\n", Map.of()), context);
        assertFalse(exporter.isActive(), "a follower does not push");
        leadership.set(true);
        assertTrue(exporter.isActive(), "elected: pushes");
        leadership.set(false);
        assertFalse(exporter.isActive(), "lost the Lease: stops");
        exporter.shutdown();
        leadership.set(true);
        assertFalse(exporter.isActive(), "a shut-down exporter no longer listens");
    }
}

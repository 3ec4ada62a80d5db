package dev.kmp.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.ScalarSeries;
import dev.kmp.model.Series;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmMetricsTest {

    private static Map<String, MetricFamily> byName(List<MetricFamily> families) {
        Map<String, MetricFamily> m = new HashMap<>();
        for (MetricFamily f : families) {
            assertEquals(null, m.put(f.name(), f), "family twice: " + f.name());
        }
        return m;
    }

    private static double value(MetricFamily f, String labelName, String labelValue) {
        for (Series s : f.series()) {
            if (labelName == null || labelValue.equals(s.labels().get(labelName))) {
                return ((ScalarSeries) s).value();
            }
        }
        throw new AssertionError("no series " + labelName + "=" + labelValue + " in " + f.name());
    }

    @Test
    void registeredCollectorGivesTheClientsFamiliesWithSaneValues() {
        SelfMetrics self = new SelfMetrics();
        new JvmMetrics().register(self);
        Map<String, MetricFamily> f = byName(self.snapshot());

        assertEquals(MetricType.COUNTER, f.get("process_cpu_seconds_total").type());
        assertTrue(value(f.get("process_cpu_seconds_total"), null, null) > 0);
        double start = value(f.get("process_start_time_seconds"), null, null);
        double now = System.currentTimeMillis() / 1e3;
        assertTrue(start <= now && start > now - 86_400, "start " + start);
        assertTrue(value(f.get("process_open_fds"), null, null) > 0);
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            assertTrue(value(f.get("process_resident_memory_bytes"), null, null) > 1 << 20);
        }
        assertTrue(value(f.get("jvm_memory_used_bytes"), "area", "heap") > 0);
        assertTrue(value(f.get("jvm_memory_used_bytes"), "area", "nonheap") > 0);
        assertTrue(value(f.get("jvm_memory_max_bytes"), "area", "heap") > 0);
        assertTrue(value(f.get("jvm_threads_current"), null, null) >= 1);

        MetricFamily gc = f.get("jvm_gc_collection_seconds");
        assertEquals(MetricType.SUMMARY, gc.type());
        assertFalse(gc.series().isEmpty());
        for (Series s : gc.series()) {
            ScalarSeries sc = (ScalarSeries) s;
            assertTrue(sc.name().equals("jvm_gc_collection_seconds_count") || sc.name().equals("jvm_gc_collection_seconds_sum"));
            assertTrue(sc.labels().get("gc") != null && sc.value() >= 0);
        }

        ScalarSeries info = (ScalarSeries) f.get("jvm_info").series().get(0);
        assertEquals(1.0, info.value());
        assertEquals(System.getProperty("java.runtime.version"), info.labels().get("version"));
        assertFalse(info.labels().get("vendor").isEmpty());
        assertFalse(info.labels().get("runtime").isEmpty());
    }

    @Test
    void residentMemoryComesFromProcStatusWhenReadable(@TempDir Path dir) throws IOException {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nVmSize:\t  2048 kB\nVmRSS:\t    1234 kB\nThreads:\t12\n");
        Map<String, MetricFamily> f = byName(new JvmMetrics(status).get());
        assertEquals(1234 * 1024.0, value(f.get("process_resident_memory_bytes"), null, null));
        assertEquals(2048 * 1024.0, value(f.get("process_virtual_memory_bytes"), null, null));

        Map<String, MetricFamily> none = byName(new JvmMetrics(dir.resolve("missing")).get());
        assertFalse(none.containsKey("process_resident_memory_bytes"));
        assertTrue(none.containsKey("jvm_threads_current"));
    }
}

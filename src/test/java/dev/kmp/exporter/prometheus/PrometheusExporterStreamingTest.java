package dev.kmp.exporter.prometheus;

import static dev.kmp.exporter.prometheus.TestBatches.A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.ScalarSeries;
import dev.kmp.model.Series;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusExporterStreamingTest {

    /** Counts bytes and remembers how the render had progressed when the first bytes arrived. */
    private static final class RecordingStream extends OutputStream {
        long bytes;
        long writes;
        long largestWrite;
        long bytesBeforeFirstWrite = -1;
        long totalAtFirstWrite = -1;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (writes == 0) {
                bytesBeforeFirstWrite = bytes;
                totalAtFirstWrite = len;
            }
            writes++;
            bytes += len;
            largestWrite = Math.max(largestWrite, len);
        }
    }

    @Test
    void aLargeStoreIsWrittenInPiecesNotAsOneBody() throws IOException {
        int n = 200_000;
        List<Series> series = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            series.add(new ScalarSeries("kong_http_requests_total", Labels.of("service", "svc" + (i / 10) + ".default.80",
                    "route", "route" + i, "code", "200", "dataplane_url", A.url()), i));
        }
        PrometheusExporter exporter = TestBatches.exporter(TestBatches.context(), false, 0);
        exporter.consume(TestBatches.batch(A, List.of(new MetricFamily("kong_http_requests_total", MetricType.COUNTER,
                "HTTP status codes", series))));

        RecordingStream out = new RecordingStream();
        exporter.write(null, out);

        assertTrue(out.bytes > 20_000_000, "bytes " + out.bytes);
        // The first bytes left while almost all of the render was still to come.
        assertEquals(0, out.bytesBeforeFirstWrite);
        assertTrue(out.totalAtFirstWrite * 100 < out.bytes, "first write " + out.totalAtFirstWrite);
        assertTrue(out.largestWrite <= 256 * 1024, "largest write " + out.largestWrite);
        assertTrue(out.writes > 100, "writes " + out.writes);
    }
}

package dev.kmp.exporter.otlp;

import dev.kmp.model.TargetId;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.List;

/** One scrape of one target as OTel metric data, waiting to be sent; {@code points} is what it costs in the queue. */
record ConvertedBatch(TargetId target, long scrapeMillis, List<MetricData> metrics, int points) {
    ConvertedBatch {
        metrics = List.copyOf(metrics);
    }

    boolean isEmpty() {
        return points == 0;
    }
}

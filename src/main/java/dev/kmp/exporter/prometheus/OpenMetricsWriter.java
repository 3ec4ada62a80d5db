package dev.kmp.exporter.prometheus;

import dev.kmp.model.BucketBounds;
import dev.kmp.model.MetricType;
import java.io.OutputStream;

/**
 * OpenMetrics 1.0 text: counter families are named without {@code _total} (their samples keep
 * it), {@code le} values are floats ({@code 25.0}), timestamps are seconds, and the body ends with
 * {@code # EOF}. Only served when the exporter enables it and the scraper asks for it.
 */
public final class OpenMetricsWriter extends LineWriter {
    public static final String CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String TOTAL = "_total";

    public OpenMetricsWriter(OutputStream out) {
        super(out);
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    String headerName(String familyName, MetricType type) {
        if (type == MetricType.COUNTER && familyName.endsWith(TOTAL)) {
            return familyName.substring(0, familyName.length() - TOTAL.length());
        }
        return familyName;
    }

    @Override
    void writeHeader(String name, MetricType type, String help) {
        sink.text("# HELP ");
        sink.text(name);
        sink.write((byte) ' ');
        sink.labelValue(help); // OpenMetrics escapes quotes in HELP as well
        sink.text("\n# TYPE ");
        sink.text(name);
        sink.write((byte) ' ');
        sink.text(type == MetricType.UNTYPED ? "unknown" : type.text());
        sink.write((byte) '\n');
    }

    @Override
    String sampleName(String familyName, MetricType type) {
        // Kong's kong_bandwidth_bytes is a counter without the suffix: OpenMetrics requires it.
        return type == MetricType.COUNTER ? headerName(familyName, type) + TOTAL : familyName;
    }

    @Override
    void writeLe(BucketBounds bounds, int i) {
        sink.floatValue(bounds.upperBound(i));
    }

    @Override
    void writeTimestamp(long timestampMillis) {
        long seconds = Math.floorDiv(timestampMillis, 1000);
        int millis = Math.floorMod(timestampMillis, 1000);
        sink.longValue(seconds);
        sink.write((byte) '.');
        sink.write((byte) ('0' + millis / 100));
        sink.write((byte) ('0' + millis / 10 % 10));
        sink.write((byte) ('0' + millis % 10));
    }

    @Override
    void writeEnd() {
        sink.text("# EOF\n");
    }
}

package dev.kmp.exporter.prometheus;

import dev.kmp.model.BucketBounds;
import dev.kmp.model.MetricType;
import java.io.OutputStream;

/**
 * The Prometheus text format 0.0.4, written so that a Kong payload comes out as Kong wrote it:
 * family and sample names unchanged, {@code le} values as scraped, integral numbers as digits.
 */
public final class TextFormatWriter extends LineWriter {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    public TextFormatWriter(OutputStream out) {
        super(out);
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    String headerName(String familyName, MetricType type) {
        return familyName;
    }

    @Override
    void writeHeader(String name, MetricType type, String help) {
        sink.text("# HELP ");
        sink.text(name);
        sink.write((byte) ' ');
        sink.helpText(help);
        sink.text("\n# TYPE ");
        sink.text(name);
        sink.write((byte) ' ');
        sink.text(type.text());
        sink.write((byte) '\n');
    }

    @Override
    String sampleName(String familyName, MetricType type) {
        return familyName;
    }

    @Override
    void writeLe(BucketBounds bounds, int i) {
        sink.labelValue(bounds.text(i));
    }

    @Override
    void writeTimestamp(long timestampMillis) {
        sink.longValue(timestampMillis);
    }

    @Override
    void writeEnd() {
    }
}

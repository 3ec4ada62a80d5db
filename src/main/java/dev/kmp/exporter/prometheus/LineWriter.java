package dev.kmp.exporter.prometheus;

import dev.kmp.model.BucketBounds;
import dev.kmp.model.HistogramSeries;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricType;
import dev.kmp.model.ScalarSeries;
import dev.kmp.model.Series;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What the 0.0.4 text format and OpenMetrics share: sample lines of {@code name{labels} value
 * [timestamp]}. Subclasses decide the family header, names of counter samples, {@code le} values,
 * timestamps and the end marker.
 */
abstract class LineWriter implements ExpositionWriter {
    static final int BUFFER_BYTES = 64 * 1024;
    private static final byte[] LE_OPEN = "le=\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LE_CLOSE = "\"} ".getBytes(StandardCharsets.US_ASCII);

    final ByteSink sink;
    /** The label pairs of the histogram series being written, encoded once for all its lines. */
    private final ByteSink seriesLabels = new ByteSink(512);
    private long sampleLines;

    private String familyName;
    private byte[] familySampleName;
    private byte[] bucketPrefix;
    private byte[] countName;
    private byte[] sumName;

    LineWriter(OutputStream out) {
        this.sink = new ByteSink(out, BUFFER_BYTES);
    }

    /** The name on HELP and TYPE lines. */
    abstract String headerName(String familyName, MetricType type);

    abstract void writeHeader(String headerName, MetricType type, String help);

    /** The name of samples whose name is the family's own name. */
    abstract String sampleName(String familyName, MetricType type);

    abstract void writeLe(BucketBounds bounds, int i);

    abstract void writeTimestamp(long timestampMillis);

    abstract void writeEnd();

    @Override
    public final void startFamily(String name, MetricType type, String help) throws IOException {
        try {
            writeHeader(headerName(name, type), type, help);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        familyName = name;
        familySampleName = bytes(sampleName(name, type));
        bucketPrefix = bytes(name + "_bucket{");
        countName = bytes(name + "_count");
        sumName = bytes(name + "_sum");
    }

    @Override
    public final void series(Series series) throws IOException {
        try {
            switch (series) {
                case ScalarSeries s -> scalar(s);
                case HistogramSeries h -> histogram(h);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public final void finish() throws IOException {
        try {
            writeEnd();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        sink.flush();
    }

    @Override
    public final long sampleLines() {
        return sampleLines;
    }

    private void scalar(ScalarSeries s) {
        if (s.name().equals(familyName)) {
            sink.write(familySampleName);
        } else {
            sink.text(s.name());
        }
        Labels labels = s.labels();
        if (labels.size() > 0) {
            sink.write((byte) '{');
            labelPairs(sink, labels);
            sink.write((byte) '}');
        }
        sink.write((byte) ' ');
        sink.doubleValue(s.value());
        endLine(s.timestampMillis());
    }

    private void histogram(HistogramSeries h) {
        seriesLabels.reset();
        labelPairs(seriesLabels, h.labels());
        boolean hasLabels = seriesLabels.size() > 0;
        BucketBounds bounds = h.bounds();
        double[] counts = h.cumulativeCounts();
        long ts = h.timestampMillis();
        for (int i = 0; i < counts.length; i++) {
            sink.write(bucketPrefix);
            if (hasLabels) {
                sink.write(seriesLabels);
                sink.write((byte) ',');
            }
            sink.write(LE_OPEN);
            writeLe(bounds, i);
            sink.write(LE_CLOSE);
            sink.doubleValue(counts[i]);
            endLine(ts);
        }
        if (h.hasCount()) {
            aggregateLine(countName, hasLabels, h.count(), ts);
        }
        if (h.hasSum()) {
            aggregateLine(sumName, hasLabels, h.sum(), ts);
        }
    }

    private void aggregateLine(byte[] name, boolean hasLabels, double value, long ts) {
        sink.write(name);
        if (hasLabels) {
            sink.write((byte) '{');
            sink.write(seriesLabels);
            sink.write((byte) '}');
        }
        sink.write((byte) ' ');
        sink.doubleValue(value);
        endLine(ts);
    }

    private void endLine(long timestampMillis) {
        if (timestampMillis != Series.NO_TIMESTAMP) {
            sink.write((byte) ' ');
            writeTimestamp(timestampMillis);
        }
        sink.write((byte) '\n');
        sampleLines++;
    }

    private static void labelPairs(ByteSink to, Labels labels) {
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                to.write((byte) ',');
            }
            to.text(labels.name(i));
            to.write((byte) '=');
            to.write((byte) '"');
            to.labelValue(labels.value(i));
            to.write((byte) '"');
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

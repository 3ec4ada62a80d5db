package dev.kmp.exporter.prometheus;

import dev.kmp.model.MetricType;
import dev.kmp.model.Series;
import java.io.IOException;

/**
 * Writes one exposition (a /metrics body) as a stream: a family header, then that family's
 * series, then the next family. Callers guarantee each family name is started once.
 */
public interface ExpositionWriter {
    String contentType();

    /** Writes the HELP and TYPE lines; the series that follow belong to this family. */
    void startFamily(String name, MetricType type, String help) throws IOException;

    void series(Series series) throws IOException;

    /** Ends the exposition (OpenMetrics' {@code # EOF}) and flushes the stream. */
    void finish() throws IOException;

    /** Sample lines written so far. */
    long sampleLines();
}

package dev.kmp.model;

import java.util.List;

/**
 * A metric family: its name, type, help text and series. Histogram families hold
 * {@link HistogramSeries}; all others hold {@link ScalarSeries}. For counters the family name is
 * the sample name as the Prometheus text format writes it ({@code kong_http_requests_total}).
 */
public record MetricFamily(String name, MetricType type, String help, List<Series> series) {
    public MetricFamily {
        series = List.copyOf(series);
        help = help == null ? "" : help;
    }

    public MetricFamily withSeries(List<Series> newSeries) {
        return new MetricFamily(name, type, help, newSeries);
    }

    public int sampleLines() {
        int n = 0;
        for (Series s : series) {
            n += s.sampleLines();
        }
        return n;
    }
}

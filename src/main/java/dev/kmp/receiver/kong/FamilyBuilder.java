package dev.kmp.receiver.kong;

import dev.kmp.model.BucketBounds;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.ScalarSeries;
import dev.kmp.model.Series;
import java.util.ArrayList;
import java.util.List;

/** One family while its body is read: what HELP and TYPE said, and its series so far. */
final class FamilyBuilder {
    /** What a sample line contributes to its family. */
    enum Role { SCALAR, BUCKET, COUNT, SUM, DROP }

    /** The resolution of one sample name, cached while consecutive lines repeat it. */
    record SampleTarget(FamilyBuilder family, String sampleName, Role role) {
    }

    final String declaredName;
    private String modelName;
    private DeclaredType type = DeclaredType.UNTYPED;
    private boolean typed;
    private String help;
    private final SeriesIndex index;
    private final int expectedSeries;
    private final BucketLayouts layouts;
    private final ArrayList<Series> scalars = new ArrayList<>(0); // sized at the first series (see addScalar)
    private final ArrayList<HistogramAccumulator> histograms = new ArrayList<>(0);
    private int lastHistogram; // position of the histogram the latest line went to
    // Most buckets of a series so far: where a new series with bounds of its own starts (see HistogramAccumulator).
    private int expectedBuckets = HistogramAccumulator.DEFAULT_BUCKETS;
    // The layout new series follow: the one with the most buckets that a series so far ended with.
    private BucketBounds layoutToFollow;
    private int duplicateBuckets; // repeated bucket bounds, found by build()

    /**
     * {@code expectedSeries}: how many the family had in the previous scrape (0 when new);
     * {@code layouts}: the parser's bucket layouts, kept across scrapes.
     */
    FamilyBuilder(String declaredName, int expectedSeries, BucketLayouts layouts) {
        this.declaredName = declaredName;
        this.index = new SeriesIndex(expectedSeries);
        this.expectedSeries = expectedSeries;
        this.layouts = layouts;
    }

    /** Series so far (histograms count once, not per line). */
    int seriesCount() {
        return index.size();
    }

    DeclaredType type() {
        return type;
    }

    /** Whether a TYPE line declared this family (a HELP line or a bare sample does not). */
    boolean typed() {
        return typed;
    }

    boolean hasSamples() {
        return index.size() > 0;
    }

    void setType(DeclaredType declared) {
        type = declared;
        typed = true;
    }

    /** The first HELP wins: Kong's stream block repeats the same text. */
    void offerHelp(String text) {
        if (help == null) {
            help = text;
        }
    }

    /**
     * The role of a sample named {@code declaredName + suffix} in this family, or null when the
     * suffix does not belong to this type.
     */
    Role roleOfSuffix(String suffix, boolean openMetrics) {
        return switch (type) {
            case HISTOGRAM -> switch (suffix) {
                case "_bucket" -> Role.BUCKET;
                case "_count" -> Role.COUNT;
                case "_sum" -> Role.SUM;
                case "_created" -> openMetrics ? Role.DROP : null;
                default -> null;
            };
            case SUMMARY -> switch (suffix) {
                case "_count", "_sum" -> Role.SCALAR;
                case "_created" -> openMetrics ? Role.DROP : null;
                default -> null;
            };
            case COUNTER -> !openMetrics ? null : switch (suffix) {
                case "_total" -> Role.SCALAR;
                case "_created" -> Role.DROP;
                default -> null;
            };
            case INFO -> openMetrics && suffix.equals("_info") ? Role.SCALAR : null;
            case GAUGE_HISTOGRAM -> switch (suffix) {
                case "_bucket", "_gcount", "_gsum" -> Role.SCALAR;
                default -> null;
            };
            default -> null;
        };
    }

    /** Adds a scalar sample; returns true when it replaced an earlier one of the same series. */
    boolean addScalar(String sampleName, Labels labels, double value, long timestampMillis) {
        if (modelName == null) {
            // The model names counters after their sample (OpenMetrics' foo_total for family foo).
            modelName = sampleName.startsWith(declaredName) && sampleName.length() > declaredName.length()
                    && (type == DeclaredType.COUNTER || type == DeclaredType.INFO) ? sampleName : declaredName;
        }
        ScalarSeries series = new ScalarSeries(sampleName, labels, value, timestampMillis);
        if (scalars.isEmpty()) {
            // As many as the previous scrape had: a list grown by doubling to 150k series made 3.7 MB
            // of garbage in a target's first scrape (at 5000 Kong services) and again in every other.
            scalars.ensureCapacity(expectedSeries);
        }
        int position = index.findOrAdd(sampleName, labels);
        if (position < 0) {
            scalars.set(~position, series);
            return true;
        }
        scalars.add(series);
        return false;
    }

    /** The histogram series with these labels (minus {@code le}), created on first use. */
    HistogramAccumulator histogram(Labels labels) {
        int n = histograms.size();
        if (n > 0) {
            // Consecutive lines mostly continue the latest series, and the _count and _sum lines
            // list the series in the order the buckets did: the latest one and the next are tried.
            HistogramAccumulator last = histograms.get(lastHistogram);
            if (last.labels() == labels) {
                return last;
            }
            int next = lastHistogram + 1 < n ? lastHistogram + 1 : 0;
            if (histograms.get(next).labels() == labels) {
                lastHistogram = next;
                return histograms.get(next);
            }
        }
        int position = index.findOrAdd(null, labels);
        if (position >= 0) {
            if (n > 0) {
                offerLayout(histograms.get(n - 1));
            } else {
                histograms.ensureCapacity(expectedSeries);
            }
            histograms.add(layoutToFollow != null ? new HistogramAccumulator(labels, layoutToFollow)
                    : new HistogramAccumulator(labels, expectedBuckets));
        } else {
            position = ~position;
        }
        lastHistogram = position;
        return histograms.get(position);
    }

    /**
     * A new series starts after {@code previous}, whose buckets are most likely all read (Kong
     * writes a series' buckets together): its bounds become the layout to follow when they are
     * its own and more than the current layout's. A series that followed the layout has nothing
     * to offer, and one that left it early (its buckets a subset) has fewer: neither is looked at.
     */
    private void offerLayout(HistogramAccumulator previous) {
        int buckets = previous.bucketCount();
        expectedBuckets = Math.max(expectedBuckets, buckets);
        if (buckets > (layoutToFollow == null ? 0 : layoutToFollow.size())) {
            BucketBounds own = previous.ownLayout(layouts);
            if (own != null) {
                layoutToFollow = own;
            }
        }
    }

    int duplicateBuckets() {
        return duplicateBuckets;
    }

    /** The finished family, or null when it has no series. */
    MetricFamily build() {
        if (!hasSamples()) {
            return null;
        }
        List<Series> series;
        if (type == DeclaredType.HISTOGRAM) {
            series = new ArrayList<>(histograms.size());
            for (HistogramAccumulator h : histograms) {
                duplicateBuckets += h.normalize();
                series.add(h.finish(layouts));
            }
        } else {
            series = scalars;
        }
        return new MetricFamily(modelName != null ? modelName : declaredName, type.modelType(), help, series);
    }
}

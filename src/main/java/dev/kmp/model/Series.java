package dev.kmp.model;

/** One series of a metric family: a scalar sample or a whole histogram. */
public sealed interface Series permits ScalarSeries, HistogramSeries {
    /** Marks a series that carried no timestamp in its source. */
    long NO_TIMESTAMP = Long.MIN_VALUE;

    Labels labels();

    long timestampMillis();

    /** A copy carrying other labels (what processors produce). */
    Series withLabels(Labels labels);

    /** How many text-format sample lines this series stands for. */
    int sampleLines();
}

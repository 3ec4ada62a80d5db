package dev.kmp.receiver.kong;

import dev.kmp.model.MetricFamily;
import java.util.List;

/**
 * What one body held.
 *
 * @param families        in order of first appearance (HELP, TYPE or sample); families without
 *                        any sample are left out
 * @param sampleLines     every sample line read, including duplicates and dropped OpenMetrics
 *                        {@code _created} lines
 * @param duplicateSeries sample lines that repeated a series already read (the later one won)
 * @param bytesRead       bytes taken from the stream
 */
public record ParseResult(List<MetricFamily> families, int sampleLines, int duplicateSeries, long bytesRead) {
    public ParseResult {
        families = List.copyOf(families);
    }
}

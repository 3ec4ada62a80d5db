package dev.kmp.pipeline;

/**
 * The state of one scrape target as /status shows it. Times are epoch milliseconds, 0 when it
 * has not been scraped yet; {@code lastError} is null after a successful scrape.
 */
public record TargetStatus(
        String receiver,
        String url,
        boolean up,
        long lastScrapeMillis,
        double lastDurationSeconds,
        long samples,
        long series,
        String lastErrorReason,
        String lastError) {
}

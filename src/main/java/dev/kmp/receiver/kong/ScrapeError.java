package dev.kmp.receiver.kong;

/**
 * Why a scrape failed: {@code reason} is the label value of {@code kmp_scrape_errors_total}
 * ({@code refused}, {@code timeout}, {@code http_status}, {@code parse}, {@code body_limit},
 * {@code sample_limit}, {@code tls}, {@code other}); {@code message} names the target and, for
 * parse errors, the line and column.
 */
record ScrapeError(String reason, String message) {
}

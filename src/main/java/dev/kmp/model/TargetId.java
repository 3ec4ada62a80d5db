package dev.kmp.model;

/** Who produced a batch: a receiver instance and one of its targets (a scrape URL). */
public record TargetId(String receiver, String url) {
    @Override
    public String toString() {
        return receiver + " " + url;
    }
}

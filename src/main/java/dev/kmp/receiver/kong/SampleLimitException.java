package dev.kmp.receiver.kong;

/** The body held more sample lines than allowed; parsing stopped at the first one too many. */
public final class SampleLimitException extends Exception {
    private final long limit;
    private final int line;

    public SampleLimitException(long limit, int line) {
        super("more than " + limit + " samples (stopped at line " + line + ")");
        this.limit = limit;
        this.line = line;
    }

    public long limit() {
        return limit;
    }

    /** The line of the first sample over the limit. */
    public int line() {
        return line;
    }
}

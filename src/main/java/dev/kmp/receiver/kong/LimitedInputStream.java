package dev.kmp.receiver.kong;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts bytes as they are read and fails as soon as the limit is passed, so nothing past it is buffered. */
final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private long count;

    LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    /** Thrown when a body is larger than {@code limits.max_body_bytes}. */
    static final class BodyLimitException extends IOException {
        BodyLimitException(long limit) {
            super("body is larger than limits.max_body_bytes (" + limit + " bytes)");
        }
    }

    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        add(skipped);
        return skipped;
    }

    private void add(long n) throws BodyLimitException {
        count += n;
        if (count > limit) {
            throw new BodyLimitException(limit);
        }
    }
}

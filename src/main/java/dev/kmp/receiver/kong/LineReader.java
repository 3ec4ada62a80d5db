package dev.kmp.receiver.kong;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Hands out one line at a time as a range of its own buffer, which is reused for every body.
 * A line never moves while it is being parsed; the buffer grows only to hold the longest line
 * (bounded by {@code maxLineBytes}) and never holds the whole body.
 */
final class LineReader {
    // Reads this large mean few system calls and few wake-ups of the sender per body.
    private static final int INITIAL_BUFFER = 256 * 1024;

    private final int maxLineBytes;
    private byte[] buffer = new byte[INITIAL_BUFFER];
    private InputStream in;
    private int limit;      // bytes of buffer holding data
    private int next;       // where the next line starts
    private int lineStart;
    private int lineEnd;    // exclusive, without the line break
    private int lineNumber;
    private long bytesRead;
    private boolean endOfStream;

    LineReader(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    void reset(InputStream body) {
        in = body;
        limit = 0;
        next = 0;
        lineStart = 0;
        lineEnd = 0;
        lineNumber = 0;
        bytesRead = 0;
        endOfStream = false;
    }

    /** Lets go of the stream. */
    void release() {
        in = null;
    }

    /** Moves to the next line; false at the end of the body. */
    boolean next() throws IOException, ParseException {
        int start = next;
        int scan = start;
        int newline;
        while (true) {
            newline = indexOfNewline(buffer, scan, limit);
            if (newline >= 0 || endOfStream) {
                break;
            }
            if (limit - start > maxLineBytes) {
                throw tooLong();
            }
            // Keep the partial line at the front, then read more after it.
            if (start > 0) {
                System.arraycopy(buffer, start, buffer, 0, limit - start);
                limit -= start;
                start = 0;
            }
            scan = limit;
            if (limit == buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, maxLineBytes + 2));
            }
            int n = in.read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                endOfStream = true;
            } else {
                limit += n;
                bytesRead += n;
            }
        }
        int end;
        if (newline >= 0) {
            end = newline;
            next = newline + 1;
        } else if (start < limit) {
            end = limit; // last line without a line break
            next = limit;
        } else {
            return false;
        }
        if (end - start > maxLineBytes) {
            throw tooLong();
        }
        lineNumber++;
        if (end > start && buffer[end - 1] == '\r') {
            end--;
        }
        lineStart = start;
        lineEnd = end;
        return true;
    }

    private ParseException tooLong() {
        return new ParseException(lineNumber + 1, 1, "line longer than " + maxLineBytes + " bytes");
    }

    private static int indexOfNewline(byte[] b, int from, int to) {
        return ByteText.indexOfEither(b, from, to, (byte) '\n', (byte) '\n');
    }

    byte[] buffer() {
        return buffer;
    }

    int lineStart() {
        return lineStart;
    }

    int lineEnd() {
        return lineEnd;
    }

    int lineNumber() {
        return lineNumber;
    }

    long bytesRead() {
        return bytesRead;
    }

    /** The 1-based column of buffer position {@code pos} in the current line, in code points. */
    int columnOf(int pos) {
        int column = 1;
        for (int i = lineStart; i < pos && i < buffer.length; i++) {
            if ((buffer[i] & 0xC0) != 0x80) {
                column++;
            }
        }
        return column;
    }
}

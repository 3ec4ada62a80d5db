package dev.kmp.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A byte buffer in front of an OutputStream. Payloads reach 100+ MB, so lines are assembled from
 * pre-encoded byte pieces and digits are written directly instead of going through Strings.
 */
final class ExpositionSink implements AutoCloseable {
    private final OutputStream out;
    private final byte[] buf = new byte[1 << 16];
    private final byte[] digits = new byte[20];
    private int pos;
    private long written;

    ExpositionSink(OutputStream out) {
        this.out = out;
    }

    void write(byte[] bytes) throws IOException {
        if (bytes.length > buf.length - pos) {
            flushBuffer();
            if (bytes.length > buf.length) {
                out.write(bytes);
                written += bytes.length;
                return;
            }
        }
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    void write(String ascii) throws IOException {
        write(ascii.getBytes(StandardCharsets.UTF_8));
    }

    void write(char c) throws IOException {
        if (pos == buf.length) {
            flushBuffer();
        }
        buf[pos++] = (byte) c;
    }

    void writeLong(long v) throws IOException {
        if (v == Long.MIN_VALUE) {
            write(Long.toString(v));
            return;
        }
        if (v < 0) {
            write('-');
            v = -v;
        }
        int i = digits.length;
        do {
            digits[--i] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        int n = digits.length - i;
        if (n > buf.length - pos) {
            flushBuffer();
        }
        System.arraycopy(digits, i, buf, pos, n);
        pos += n;
    }

    /** A sample value in Kong's %.14g format. */
    void writeNumber(double v) throws IOException {
        if (LuaNumber.isPlainInteger(v)) {
            writeLong((long) v);
        } else {
            write(LuaNumber.format(v));
        }
    }

    /** Bytes handed to the underlying stream so far, plus what is still buffered. */
    long bytesWritten() {
        return written + pos;
    }

    private void flushBuffer() throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            written += pos;
            pos = 0;
        }
    }

    /** Flushes this buffer and the stream; does not close the stream, which the caller owns. */
    @Override
    public void close() throws IOException {
        flushBuffer();
        out.flush();
    }
}

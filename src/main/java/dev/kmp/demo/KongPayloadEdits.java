package dev.kmp.demo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Places in a Kong payload where one byte written in place changes Kong's series the way a live
 * Kong does, with the payload's length unchanged: the benchmark's churn and shift cycles and the
 * start-up warm-up's churned scrape edit their payloads there.
 */
public final class KongPayloadEdits {
    private static final String REQUESTS_LINE = "\nkong_http_requests_total{";

    private KongPayloadEdits() {
    }

    /**
     * Where the status code of the first {@code kong_http_requests_total} line ends: changing that
     * digit is the churn Kong's own series see most (a route answers with a code it had not
     * answered with), one series gone and one new.
     */
    public static int lastDigitOfFirstStatusCode(ByteBuffer body) {
        int line = indexOf(body, REQUESTS_LINE, 0);
        int code = line < 0 ? -1 : indexOf(body, "code=\"", line);
        int end = code < 0 ? -1 : indexOf(body, "\"", code + 6);
        if (end <= code + 6 || !Character.isDigit(body.get(end - 1))) {
            throw new IllegalStateException("the payload has no kong_http_requests_total line with a status code");
        }
        return end - 1;
    }

    /** The digit written in place of a status code's last digit {@code code} to change it (another code, same length). */
    public static byte otherDigit(byte code) {
        return (byte) (code == '9' ? '8' : code + 1);
    }

    /**
     * Where the first {@code kong_http_requests_total} sample line starts: a '#' written there makes
     * it a comment, so the series is gone and every series after it moves up one step (and it comes
     * back when the byte is restored). It follows the family's TYPE line, so the comment starts no
     * extra run of lines.
     */
    public static int firstRequestsLine(ByteBuffer body) {
        int line = indexOf(body, REQUESTS_LINE, 0);
        if (line < 0) {
            throw new IllegalStateException("the payload has no kong_http_requests_total line");
        }
        return line + 1;
    }

    private static int indexOf(ByteBuffer body, String text, int from) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        for (int i = Math.max(from, body.position()); i + t.length <= body.limit(); i++) {
            int k = 0;
            while (k < t.length && body.get(i + k) == t[k]) {
                k++;
            }
            if (k == t.length) {
                return i;
            }
        }
        return -1;
    }
}

package dev.kmp.receiver.kong;

import java.nio.charset.StandardCharsets;

/** Which backslash sequences a piece of text uses, and turning its raw bytes into a String. */
enum Escapes {
    /** Label values: {@code \\}, {@code \"}, {@code \n} (the parser rejects any other). */
    LABEL_VALUE(true),
    /** HELP in the Prometheus text format: {@code \\} and {@code \n}; others are kept as written. */
    HELP_TEXT(false),
    /** HELP in OpenMetrics, which also escapes {@code \"}. */
    OPEN_METRICS_HELP_TEXT(true);

    private final boolean quoteEscaped;

    Escapes(boolean quoteEscaped) {
        this.quoteEscaped = quoteEscaped;
    }

    String decode(byte[] b, int from, int to) {
        int firstBackslash = -1;
        for (int i = from; i < to; i++) {
            if (b[i] == '\\') {
                firstBackslash = i;
                break;
            }
        }
        if (firstBackslash < 0) {
            return new String(b, from, to - from, StandardCharsets.UTF_8);
        }
        byte[] out = new byte[to - from];
        int n = firstBackslash - from;
        System.arraycopy(b, from, out, 0, n);
        for (int i = firstBackslash; i < to; i++) {
            byte c = b[i];
            if (c == '\\' && i + 1 < to) {
                byte next = b[i + 1];
                if (next == '\\' || (next == '"' && quoteEscaped)) {
                    out[n++] = next;
                    i++;
                    continue;
                }
                if (next == 'n') {
                    out[n++] = '\n';
                    i++;
                    continue;
                }
            }
            out[n++] = c;
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}

package dev.kmp.receiver.kong;

/**
 * A body that is not valid exposition text. The message reads
 * {@code line 12, column 40: expected '=' after label name}; lines and columns count from 1 and
 * columns count characters (UTF-8 code points), not bytes.
 */
public final class ParseException extends Exception {
    private final int line;
    private final int column;
    private final String reason;

    public ParseException(int line, int column, String reason) {
        super("line " + line + ", column " + column + ": " + reason);
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without its position. */
    public String reason() {
        return reason;
    }
}

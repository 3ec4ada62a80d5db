package dev.kmp.config;

/** Byte sizes such as {@code 1MiB}, {@code 512KiB}, {@code 10MB} or a plain number of bytes. */
public final class Sizes {
    private Sizes() {
    }

    /** @throws IllegalArgumentException with a message meant for the user */
    public static long parse(String text) {
        String s = text.strip();
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw bad(text);
        }
        double number;
        try {
            number = Double.parseDouble(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw bad(text);
        }
        long unit = switch (s.substring(i).strip()) {
            case "", "B" -> 1L;
            case "KiB", "Ki" -> 1L << 10;
            case "MiB", "Mi" -> 1L << 20;
            case "GiB", "Gi" -> 1L << 30;
            case "kB", "KB", "k" -> 1_000L;
            case "MB", "M" -> 1_000_000L;
            case "GB", "G" -> 1_000_000_000L;
            default -> throw bad(text);
        };
        double bytes = number * unit;
        if (bytes > Long.MAX_VALUE) {
            throw bad(text);
        }
        return (long) bytes;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("'" + text + "' is not a size (write it like 1MiB, 512KiB, 10MB or a number of bytes)");
    }
}

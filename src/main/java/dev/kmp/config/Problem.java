package dev.kmp.config;

/**
 * One thing wrong with a configuration, located at {@code file:line} and a key path such as
 * {@code exporters.otlp/datadog.headers} or {@code receivers.kong.targets[2]}.
 */
public record Problem(Severity severity, String file, int line, String path, String message) {
    public enum Severity { ERROR, WARNING }

    /** {@code FILE:LINE: key.path: message}; warnings say so before the message. */
    @Override
    public String toString() {
        String where = path == null || path.isEmpty() ? "" : path + ": ";
        String kind = severity == Severity.WARNING ? "warning: " : "";
        return file + ":" + line + ": " + where + kind + message;
    }
}

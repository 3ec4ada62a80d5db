package dev.kmp.pipeline;

/** A component config that claims an HTTP path on the main port; two claims of one path are an error. */
public interface ServedPath {
    String path();
}

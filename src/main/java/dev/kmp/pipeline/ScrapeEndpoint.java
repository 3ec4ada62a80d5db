package dev.kmp.pipeline;

import java.io.IOException;
import java.io.OutputStream;

/** An exporter that answers HTTP GETs on a path of the main port (the Prometheus exporter's /metrics). */
public interface ScrapeEndpoint {
    String path();

    /** The Content-Type of the answer to a request with this Accept header (may be null). */
    String contentType(String accept);

    /** Writes the answer as a stream; the caller handles compression. */
    void write(String accept, OutputStream out) throws IOException;
}

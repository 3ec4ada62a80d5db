package dev.kmp.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The container image's HEALTHCHECK: {@code java -cp kong-metrics-pipeline.jar dev.kmp.server.HealthCheck [URL]}
 * exits 0 when {@code /healthz} answers 2xx within two seconds, else 1. Runs on the image's own JRE,
 * so the runtime image needs neither curl nor wget.
 */
public final class HealthCheck {
    static final String DEFAULT_URL = "http://127.0.0.1:8080/healthz";
    private static final int TIMEOUT_MILLIS = 2000;

    private HealthCheck() {
    }

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : DEFAULT_URL;
        String problem = check(url);
        if (problem != null) {
            System.err.println("unhealthy: " + problem);
            System.exit(1);
        }
    }

    /** Null when healthy, else what went wrong. */
    static String check(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(TIMEOUT_MILLIS);
            c.setReadTimeout(TIMEOUT_MILLIS);
            int code = c.getResponseCode();
            try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (in != null) {
                    in.readNBytes(4096);
                }
            }
            return code / 100 == 2 ? null : url + " answered " + code;
        } catch (IOException | IllegalArgumentException e) {
            return url + ": " + e.getMessage();
        }
    }
}

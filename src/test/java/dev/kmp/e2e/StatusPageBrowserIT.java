package dev.kmp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /status in a real browser (Debian's headless Chromium; .ci/run installs it): the packaged jar with
 * --demo, the page loaded, its DOM checked for the demo's Kubernetes objects, the resolution table and
 * the latency charts, Chromium's log checked for console messages (the page has no script at all, so
 * any is an error), and a screenshot left in the test's temp dir.
 */
class StatusPageBrowserIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @BeforeAll
    static void needsChromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            System.out.println("SKIPPED StatusPageBrowserIT: " + CHROMIUM + " is missing (apt-get install -y chromium; .ci/run does)");
        }
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed");
    }

    record BrowserRun(int exit, String stdout, String stderr) {
        /** Chromium logs a page's console output as "[...:INFO:CONSOLE:line] \"message\", source: ..." (older: CONSOLE(line)). */
        List<String> consoleLines() {
            return stderr.lines().filter(l -> l.contains(":CONSOLE:") || l.contains(":CONSOLE(")).toList();
        }
    }

    static BrowserRun chromium(Path dir, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(dir, "profile"), "--enable-logging=stderr", "--v=0"));
        cmd.addAll(List.of(extra));
        File out = dir.resolve("chromium-" + System.nanoTime() + ".out").toFile();
        File err = dir.resolve("chromium-" + System.nanoTime() + ".err").toFile();
        Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 90s: " + cmd);
        }
        return new BrowserRun(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }

    @Test
    void consoleErrorsAreSeen(@TempDir Path dir) throws Exception {
        // The check below is only worth something if a console error does show in Chromium's log.
        Path page = dir.resolve("broken.html");
        Files.writeString(page, "<!DOCTYPE html><html><body><p>x</p><script>console.error('boom-from-page');</script></body></html>");
        BrowserRun run = chromium(dir, "--dump-dom", page.toUri().toString());
        assertEquals(0, run.exit(), run.stderr());
        assertTrue(run.consoleLines().stream().anyMatch(l -> l.contains("boom-from-page")), run.stderr());
    }

    @Test
    void statusPageShowsTheDemoWithoutConsoleErrors(@TempDir Path dir) throws Exception {
        int metricsApiPort = ServiceProcess.freePort();
        try (ServiceProcess svc = ServiceProcess.start(dir, Map.of("KMP_DEMO_METRICS_API_PORT", String.valueOf(metricsApiPort)), "--demo")) {
            // Two scrapes give the first latency point; the extensions need the reconciler's first pass.
            ServiceProcess.await("latency charts and applied extensions on /status", Duration.ofSeconds(60), () -> {
                try {
                    String html = svc.get("/status");
                    return html.contains("<svg") && html.contains("Service shop/storefront") && html.contains("PluginApplied");
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            BrowserRun run = chromium(dir, "--dump-dom", svc.url("/status"));
            assertEquals(0, run.exit(), run.stderr());
            String dom = run.stdout();
            for (String expected : List.of("Kong Metrics Pipeline", "metrics/demo", "kong/demo", "k8sattributes",
                    "shop/storefront", "payments/payments-api", "checkout/cart", "shop.storefront.80", "httproute.checkout.cart.0",
                    "Kong services", "Upstream latency per Kubernetes object", "<svg", "<path d=\"M",
                    "PluginApplied", "prometheus", "k8smetrics")) {
                assertTrue(dom.contains(expected), "the page shows " + expected + ":\n" + dom);
            }
            // Early on the Admin API's tags may not be read yet: then the naming rules resolve.
            assertTrue(dom.contains("Admin API tags") || dom.contains("naming rule"), "how each name resolved:\n" + dom);
            assertEquals(List.of(), run.consoleLines(), "console messages on /status");

            Path png = dir.resolve("status.png");
            BrowserRun shot = chromium(dir, "--screenshot=" + png, "--window-size=1280,2200", svc.url("/status"));
            assertEquals(0, shot.exit(), shot.stderr());
            assertTrue(Files.size(png) > 10_000, "a screenshot with content: " + Files.size(png) + " bytes");
            System.out.println("StatusPageBrowserIT screenshot: " + png);
        }
    }
}

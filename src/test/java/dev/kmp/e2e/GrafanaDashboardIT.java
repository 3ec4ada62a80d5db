package dev.kmp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/examples/grafana-dashboard.json asks only for what the service really exposes: the
 * packaged jar runs the demo, and every metric each panel's PromQL names, and every label it groups
 * or filters by, must be on its /metrics (Prometheus' exported_ prefix taken off).
 */
class GrafanaDashboardIT {
    static final Path DASHBOARD = Path.of("deploy", "examples", "grafana-dashboard.json");
    static final Pattern METRIC = Pattern.compile("\\b((?:kong|kmp)_[a-zA-Z0-9_]+)\\b");
    static final Pattern BY = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");
    static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"");

    /** Metric name -> every label name seen on it, from a text-format exposition. */
    static Map<String, Set<String>> exposed(String text) {
        Map<String, Set<String>> out = new HashMap<>();
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
            Set<String> labels = out.computeIfAbsent(name, n -> new HashSet<>());
            if (brace >= 0 && brace < space) {
                Matcher m = label.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
                while (m.find()) {
                    labels.add(m.group(1));
                }
            }
        }
        return out;
    }

    static List<String> expressions(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                out.add(target.get("expr").asText());
            }
        }
        return out;
    }

    @Test
    void dashboardIsWellFormed() throws IOException {
        JsonNode d = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertFalse(d.get("uid").asText().isBlank());
        Set<Integer> ids = new HashSet<>();
        Set<String> variables = new HashSet<>();
        d.get("templating").get("list").forEach(v -> variables.add(v.get("name").asText()));
        for (JsonNode panel : d.get("panels")) {
            assertTrue(ids.add(panel.get("id").asInt()), "unique panel id " + panel.get("id"));
            assertTrue(panel.get("targets").size() > 0, panel.get("title") + " has queries");
            assertEquals("${datasource}", panel.get("datasource").get("uid").asText());
            for (JsonNode t : panel.get("targets")) {
                Matcher m = Pattern.compile("\\$([a-z_]+)").matcher(t.get("expr").asText());
                while (m.find()) {
                    assertTrue(m.group(1).equals("__rate_interval") || variables.contains(m.group(1)), "variable $" + m.group(1));
                }
            }
        }
        List<String> exprs = expressions(d);
        assertTrue(exprs.stream().anyMatch(e -> e.contains("histogram_quantile") && e.contains("kong_upstream_latency_ms_bucket")));
        assertTrue(exprs.stream().anyMatch(e -> e.contains("kong_http_requests_total") && e.contains("code=~\"5..\"")));
        assertTrue(exprs.stream().anyMatch(e -> e.contains("kmp_scrape_up")));
    }

    @Test
    void everyQueryNamesMetricsAndLabelsTheServiceExposes(@TempDir Path dir) throws Exception {
        List<String> exprs = expressions(new ObjectMapper().readTree(DASHBOARD.toFile()));
        int metricsApiPort = ServiceProcess.freePort();
        try (ServiceProcess svc = ServiceProcess.start(dir, Map.of("KMP_DEMO_METRICS_API_PORT", String.valueOf(metricsApiPort)), "--demo")) {
            ServiceProcess.await("enriched Kong series and self metrics on /metrics", Duration.ofSeconds(60), () -> {
                try {
                    String m = svc.get("/metrics");
                    return m.contains("kong_upstream_latency_ms_bucket{") && m.contains("kubernetes_name=") && m.contains("kmp_scrape_up{");
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            Map<String, Set<String>> exposed = exposed(svc.get("/metrics"));
            List<String> problems = new ArrayList<>();
            for (String expr : exprs) {
                List<String> metrics = new ArrayList<>();
                Matcher m = METRIC.matcher(expr);
                while (m.find()) {
                    metrics.add(m.group(1));
                }
                if (metrics.isEmpty()) {
                    problems.add("names no metric: " + expr);
                }
                Set<String> labels = new HashSet<>();
                for (String metric : metrics) {
                    if (!exposed.containsKey(metric)) {
                        problems.add(metric + " is not on /metrics: " + expr);
                    } else {
                        labels.addAll(exposed.get(metric));
                    }
                }
                List<String> used = new ArrayList<>();
                Matcher by = BY.matcher(expr);
                while (by.find()) {
                    for (String l : by.group(1).split(",")) {
                        used.add(l.strip());
                    }
                }
                Matcher matcher = MATCHER.matcher(expr);
                while (matcher.find()) {
                    used.add(matcher.group(1));
                }
                for (String l : used) {
                    String raw = l.startsWith("exported_") ? l.substring("exported_".length()) : l;
                    if (!labels.contains(raw)) {
                        problems.add("label " + l + " is on none of " + metrics + ": " + expr);
                    }
                }
            }
            assertEquals(List.of(), problems);
        }
    }
}

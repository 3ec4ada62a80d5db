package dev.kmp.server;

import dev.kmp.pipeline.PipelineSpec;
import dev.kmp.pipeline.TargetStatus;
import java.util.List;
import java.util.Map;

/** The /status page: what a person checks first, in one self-contained HTML document (no external assets). */
final class StatusPage {
    private StatusPage() {
    }

    static String render(ServiceStatus.Snapshot s) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"5\">")
                .append("<title>Kong Metrics Pipeline - status</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}")
                .append("td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;font-size:.9em}")
                .append("th{background:#f3f3f3}.up{color:#070;font-weight:bold}.down{color:#b00;font-weight:bold}")
                .append(".err{color:#b00}.warn{color:#a60}code{background:#f6f6f6;padding:0 .2em}")
                .append("</style></head><body>");
        h.append("<h1>Kong Metrics Pipeline</h1><p>version ").append(esc(s.version()))
                .append(" &middot; up ").append(ago(s.nowMillis() - s.startedMillis()))
                .append(" &middot; ").append(s.ready() ? "<span class=up>ready</span>" : "<span class=down>not ready</span>")
                .append(" &middot; <a href=\"/api/status\">JSON</a> &middot; <a href=\"/metrics\">/metrics</a></p>");

        h.append("<h2>Configuration</h2><p>");
        for (String f : s.config().files()) {
            h.append("<code>").append(esc(f)).append("</code> ");
        }
        h.append("</p>");
        var load = s.config().lastLoad();
        if (load != null) {
            h.append("<p>last load ").append(ago(s.nowMillis() - load.timeMillis())).append(" ago: ")
                    .append(load.applied() ? "<span class=up>applied</span>"
                            : "<span class=down>refused, the previous configuration keeps running</span>")
                    .append("</p>");
            for (String e : load.errors()) {
                h.append("<div class=err><code>").append(esc(e)).append("</code></div>");
            }
            for (String w : load.warnings()) {
                h.append("<div class=warn><code>").append(esc(w)).append("</code></div>");
            }
        }

        h.append("<h2>Pipelines</h2><table><tr><th>pipeline</th><th>receivers</th><th>processors</th><th>exporters</th></tr>");
        for (PipelineSpec p : s.pipelines()) {
            h.append("<tr><td>").append(esc(p.id())).append("</td><td>").append(esc(String.join(", ", p.receivers())))
                    .append("</td><td>").append(String.join(" &rarr; ", p.processors().stream().map(StatusPage::esc).toList()))
                    .append("</td><td>").append(esc(String.join(", ", p.exporters()))).append("</td></tr>");
        }
        h.append("</table>");

        h.append("<h2>Targets</h2><table><tr><th>receiver</th><th>target</th><th>state</th><th>last scrape</th>")
                .append("<th>duration</th><th>samples</th><th>series</th><th>last error</th></tr>");
        List<TargetStatus> targets = s.targets();
        for (TargetStatus t : targets) {
            h.append("<tr><td>").append(esc(t.receiver())).append("</td><td>").append(esc(t.url())).append("</td><td>")
                    .append(t.lastScrapeMillis() == 0 ? "pending" : t.up() ? "<span class=up>up</span>"
                            : "<span class=down>down (" + esc(t.lastErrorReason()) + ")</span>")
                    .append("</td><td>").append(t.lastScrapeMillis() == 0 ? "-" : ago(s.nowMillis() - t.lastScrapeMillis()) + " ago")
                    .append("</td><td>").append(String.format("%.1f ms", t.lastDurationSeconds() * 1000))
                    .append("</td><td>").append(t.samples()).append("</td><td>").append(t.series())
                    .append("</td><td class=err>").append(t.lastError() == null ? "" : esc(t.lastError())).append("</td></tr>");
        }
        h.append("</table>");

        h.append("<h2>Exporters</h2><table><tr><th>exporter</th><th>state</th></tr>");
        for (Map.Entry<String, Map<String, Object>> e : s.exporters().entrySet()) {
            h.append("<tr><td>").append(esc(e.getKey())).append("</td><td>");
            e.getValue().forEach((k, v) -> h.append(esc(k)).append(": ").append(esc(String.valueOf(v))).append("<br>"));
            h.append("</td></tr>");
        }
        h.append("</table>");

        h.append("<h2>Kubernetes</h2><p>");
        s.kubernetes().forEach((k, v) -> {
            if (!k.equals("reconciler") && !k.equals("cache")) {
                h.append(esc(k)).append(": ").append(esc(String.valueOf(v))).append("<br>");
            }
        });
        if (s.kubernetes().get("cache") instanceof Map<?, ?> cache && cache.get("kinds") instanceof Map<?, ?> kinds) {
            h.append("cache: ").append(Boolean.TRUE.equals(cache.get("synced")) ? "synced" : "syncing");
            kinds.forEach((kind, state) -> h.append(" &middot; ").append(esc(String.valueOf(kind))).append(' ')
                    .append(state instanceof Map<?, ?> m && m.get("objects") != null ? esc(String.valueOf(m.get("objects")))
                            : esc(String.valueOf(state))));
        }
        h.append("</p>");
        if (s.kubernetes().get("reconciler") instanceof Map<?, ?> reconciler) {
            extensions(h, reconciler);
        }
        h.append("</body></html>");
        return h.toString();
    }

    /** DataPlaneMetricsExtensions with their Ready condition and the Services in effect. */
    private static void extensions(StringBuilder h, Map<?, ?> reconciler) {
        h.append("<h2>DataPlaneMetricsExtensions</h2>");
        if (Boolean.FALSE.equals(reconciler.get("enabled"))) {
            h.append("<p>reconciler off (reconciler.enabled: false, or no Kubernetes API)</p>");
            return;
        }
        h.append("<p>this replica ").append(Boolean.TRUE.equals(reconciler.get("leader")) ? "is the leader"
                : "is a follower (leader: " + esc(String.valueOf(reconciler.get("currentLeader"))) + ")").append("</p>");
        h.append("<table><tr><th>extension</th><th>generation</th><th>ready</th><th>services in effect</th>"
                + "<th>conflicts</th><th>missing</th></tr>");
        if (reconciler.get("extensions") instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> e)) {
                    continue;
                }
                String ready = "";
                if (e.get("conditions") instanceof List<?> conditions) {
                    for (Object c : conditions) {
                        if (c instanceof Map<?, ?> cond && "Ready".equals(cond.get("type"))) {
                            boolean ok = "True".equals(cond.get("status"));
                            ready = "<span class=" + (ok ? "up" : "down") + ">" + esc(String.valueOf(cond.get("reason")))
                                    + "</span> " + esc(String.valueOf(cond.get("message")));
                        }
                    }
                }
                h.append("<tr><td>").append(esc(e.get("namespace") + "/" + e.get("name"))).append("</td><td>")
                        .append(esc(e.get("observedGeneration") + "/" + e.get("generation"))).append("</td><td>")
                        .append(ready).append("</td><td>").append(esc(String.valueOf(e.get("servicesInEffect"))))
                        .append("</td><td>").append(esc(String.valueOf(e.get("conflicts"))))
                        .append("</td><td>").append(esc(String.valueOf(e.get("missingServices")))).append("</td></tr>");
            }
        }
        h.append("</table>");
    }

    private static String ago(long millis) {
        long s = Math.max(0, millis / 1000);
        if (s < 120) {
            return s + "s";
        }
        if (s < 7200) {
            return (s / 60) + "m";
        }
        return (s / 3600) + "h";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}

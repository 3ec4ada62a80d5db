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
                .append(".flow{display:flex;align-items:center;flex-wrap:wrap;gap:.4em;margin:.4em 0 1em}")
                .append(".flow .id{font-weight:bold;margin-right:.6em;min-width:9em}")
                .append(".box{border:1px solid #888;border-radius:6px;padding:.3em .7em;background:#fff;font-size:.9em}")
                .append(".receiver{background:#e8f1ff}.processor{background:#fff6e0}.exporter{background:#e9f8ec}")
                .append(".arrow{color:#666;font-size:1.2em}.charts{display:flex;flex-wrap:wrap;gap:1em}")
                .append(".chart{border:1px solid #ddd;border-radius:6px;padding:.4em .6em}.chart h3{margin:0 0 .2em;font-size:.9em}")
                .append(".muted{color:#777}")
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

        h.append("<h2>Pipelines</h2>");
        for (PipelineSpec p : s.pipelines()) {
            h.append("<div class=flow><span class=id>").append(esc(p.id())).append("</span>");
            flowStage(h, p.receivers(), "receiver");
            for (String proc : p.processors()) {
                h.append("<span class=arrow>&rarr;</span><span class=\"box processor\">").append(esc(proc)).append("</span>");
            }
            h.append("<span class=arrow>&rarr;</span>");
            flowStage(h, p.exporters(), "exporter");
            h.append("</div>");
        }

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

        resolutions(h, s.processors());
        latencyCharts(h, s.processors());
        exporters(h, s.exporters());

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

    private static void flowStage(StringBuilder h, List<String> ids, String role) {
        h.append("<span style=\"display:inline-flex;flex-direction:column;gap:.2em\">");
        for (String id : ids) {
            h.append("<span class=\"box ").append(role).append("\">").append(esc(id)).append("</span>");
        }
        h.append("</span>");
    }

    /** Kong service name -> Kubernetes object, from every processor that reports resolutions (k8sattributes). */
    private static void resolutions(StringBuilder h, Map<String, Map<String, Object>> processors) {
        for (Map.Entry<String, Map<String, Object>> p : processors.entrySet()) {
            if (!(p.getValue().get("resolutions") instanceof List<?> rows)) {
                continue;
            }
            h.append("<h2>Kong services &rarr; Kubernetes objects <span class=muted>(").append(esc(p.getKey())).append(": ")
                    .append(esc(String.valueOf(p.getValue().get("resolved")))).append(" resolved, ")
                    .append(esc(String.valueOf(p.getValue().get("unresolved")))).append(" unresolved)</span></h2>");
            h.append("<table><tr><th>Kong service</th><th>kind</th><th>object</th><th>how</th><th>backends</th></tr>");
            for (Object o : rows) {
                if (o instanceof Map<?, ?> r) {
                    boolean ok = r.get("kind") != null;
                    h.append("<tr><td><code>").append(esc(String.valueOf(r.get("kong_service")))).append("</code></td><td>")
                            .append(ok ? esc(String.valueOf(r.get("kind"))) : "").append("</td><td>")
                            .append(ok ? esc(r.get("namespace") + "/" + r.get("name")) : "").append("</td><td")
                            .append(ok ? ">" : " class=warn>").append(esc(String.valueOf(r.get("how")))).append("</td><td>")
                            .append(r.get("backends") instanceof List<?> b ? esc(String.join(", ", b.stream().map(String::valueOf).toList())) : "")
                            .append("</td></tr>");
                }
            }
            h.append("</table>");
        }
    }

    /** One small inline SVG line chart per Kubernetes object: average upstream latency per bucket. */
    private static void latencyCharts(StringBuilder h, Map<String, Map<String, Object>> processors) {
        for (Map<String, Object> p : processors.values()) {
            if (!(p.get("latency_ms") instanceof Map<?, ?> objects) || objects.isEmpty()) {
                continue;
            }
            h.append("<h2>Upstream latency per Kubernetes object <span class=muted>(average per 10 s, last 5 min)</span></h2><div class=charts>");
            objects.forEach((name, v) -> {
                if (v instanceof Map<?, ?> m && m.get("points") instanceof List<?> points) {
                    h.append("<div class=chart><h3>").append(esc(String.valueOf(name))).append("</h3>");
                    svg(h, points);
                    h.append("</div>");
                }
            });
            h.append("</div>");
        }
    }

    static void svg(StringBuilder h, List<?> points) {
        int w = 260;
        int ht = 70;
        int left = 34;
        double max = 0;
        Double last = null;
        for (Object o : points) {
            if (o instanceof List<?> pt && pt.get(1) instanceof Number n) {
                max = Math.max(max, n.doubleValue());
                last = n.doubleValue();
            }
        }
        double top = max <= 0 ? 1 : niceCeiling(max);
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(ht + 14)
                .append("\" role=\"img\"><title>average latency, ms</title>")
                .append("<line x1=\"").append(left).append("\" y1=\"2\" x2=\"").append(left).append("\" y2=\"").append(ht)
                .append("\" stroke=\"#bbb\"/><line x1=\"").append(left).append("\" y1=\"").append(ht).append("\" x2=\"").append(w)
                .append("\" y2=\"").append(ht).append("\" stroke=\"#bbb\"/>")
                .append("<text x=\"").append(left - 3).append("\" y=\"10\" font-size=\"9\" text-anchor=\"end\" fill=\"#666\">")
                .append(fmt(top)).append("</text><text x=\"").append(left - 3).append("\" y=\"").append(ht)
                .append("\" font-size=\"9\" text-anchor=\"end\" fill=\"#666\">0</text>")
                .append("<text x=\"").append(left).append("\" y=\"").append(ht + 12)
                .append("\" font-size=\"9\" fill=\"#666\">-5m</text><text x=\"").append(w).append("\" y=\"").append(ht + 12)
                .append("\" font-size=\"9\" text-anchor=\"end\" fill=\"#666\">now").append(last == null ? "" : ": " + fmt(last) + " ms")
                .append("</text>");
        // A gap (no request ended in a bucket) breaks the line rather than drawing it down to zero.
        StringBuilder path = new StringBuilder();
        boolean pen = false;
        int n = points.size();
        for (int i = 0; i < n; i++) {
            if (points.get(i) instanceof List<?> pt && pt.get(1) instanceof Number v) {
                double x = left + 2 + (w - left - 4) * (n == 1 ? 1.0 : (double) i / (n - 1));
                double y = ht - (ht - 4) * Math.min(1.0, v.doubleValue() / top);
                path.append(pen ? " L" : " M").append(String.format(java.util.Locale.ROOT, "%.1f %.1f", x, y));
                pen = true;
            } else {
                pen = false;
            }
        }
        if (!path.isEmpty()) {
            h.append("<path d=\"").append(path.toString().strip()).append("\" fill=\"none\" stroke=\"#1f6fd1\" stroke-width=\"1.6\"/>");
        }
        h.append("</svg>");
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String fmt(double v) {
        return v >= 100 ? String.valueOf(Math.round(v)) : String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    /** Exporters: what they sent and dropped, their last error, then everything else they report. */
    private static void exporters(StringBuilder h, Map<String, Map<String, Object>> exporters) {
        h.append("<h2>Exporters</h2><table><tr><th>exporter</th><th>sent</th><th>dropped / refused</th><th>last error</th><th>details</th></tr>");
        for (Map.Entry<String, Map<String, Object>> e : exporters.entrySet()) {
            Map<String, Object> m = new java.util.LinkedHashMap<>(e.getValue());
            Object sent = first(m, "sent_points", "answered", "series");
            Object dropped = first(m, "dropped_points", "refused", "refused_series");
            Object error = first(m, "last_error", "error");
            h.append("<tr><td>").append(esc(e.getKey())).append("</td><td>").append(sent == null ? "" : esc(String.valueOf(sent)))
                    .append("</td><td>").append(dropped == null ? "" : esc(String.valueOf(dropped)))
                    .append("</td><td class=err>").append(error == null ? "" : esc(String.valueOf(error))).append("</td><td>");
            m.forEach((k, v) -> h.append("<span class=muted>").append(esc(k)).append("</span> ").append(esc(String.valueOf(v))).append("<br>"));
            h.append("</td></tr>");
        }
        h.append("</table>");
    }

    /** Removes and returns the first of {@code keys} present (so details do not repeat it). */
    private static Object first(Map<String, Object> m, String... keys) {
        for (String k : keys) {
            if (m.containsKey(k)) {
                return k.equals("series") ? m.get(k) + " series" : m.remove(k);
            }
        }
        return null;
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

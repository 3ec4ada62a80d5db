package dev.kmp.demo;

import java.nio.charset.StandardCharsets;

/**
 * The families Kong's Prometheus exporter registers (kong/plugins/prometheus/exporter.lua), with
 * their HELP text and type exactly as printed. Declared in the order Kong prints them: Kong sorts
 * every sample key byte-wise, and no family name is a prefix that would interleave with another.
 * The ai_llm_* families (3.8+) are left out: they print nothing without AI traffic.
 */
public enum KongFamily {
    BANDWIDTH_BYTES("bandwidth_bytes", "Total bandwidth (ingress/egress) throughput in bytes", "counter"),
    DATASTORE_REACHABLE("datastore_reachable", "Datastore reachable from Kong, 0 is unreachable", "gauge"),
    HTTP_REQUESTS_TOTAL("http_requests_total", "HTTP status codes per consumer/service/route in Kong", "counter"),
    KONG_LATENCY_MS("kong_latency_ms",
            "Latency added by Kong and enabled plugins for each service/route in Kong", "histogram"),
    MEMORY_LUA_SHARED_DICT_BYTES("memory_lua_shared_dict_bytes", "Allocated slabs in bytes in a shared_dict", "gauge"),
    MEMORY_LUA_SHARED_DICT_TOTAL_BYTES("memory_lua_shared_dict_total_bytes",
            "Total capacity in bytes of a shared_dict", "gauge"),
    MEMORY_WORKERS_LUA_VMS_BYTES("memory_workers_lua_vms_bytes", "Allocated bytes in worker Lua VM", "gauge"),
    NGINX_CONNECTIONS_TOTAL("nginx_connections_total", "Number of connections by subsystem", "gauge"),
    NGINX_METRIC_ERRORS_TOTAL("nginx_metric_errors_total", "Number of nginx-lua-prometheus errors", "counter"),
    NGINX_REQUESTS_TOTAL("nginx_requests_total", "Number of requests total", "gauge"),
    NGINX_TIMERS("nginx_timers", "Number of nginx timers", "gauge"),
    NODE_INFO("node_info", "Kong Node metadata information", "gauge"),
    REQUEST_LATENCY_MS("request_latency_ms",
            "Total latency incurred during requests for each service/route in Kong", "histogram"),
    UPSTREAM_LATENCY_MS("upstream_latency_ms",
            "Latency added by upstream response for each service/route in Kong", "histogram"),
    UPSTREAM_TARGET_HEALTH("upstream_target_health",
            "Health status of targets of upstream. States = healthchecks_off|healthy|unhealthy|dns_error, "
                    + "value is 1 when state is populated.", "gauge");

    public static final String PREFIX = "kong_";

    private final String shortName;
    private final String help;
    private final String type;
    private final byte[] header;
    private final byte[] sampleName;

    KongFamily(String shortName, String help, String type) {
        this.shortName = shortName;
        this.help = help;
        this.type = type;
        String full = PREFIX + shortName;
        this.header = ("# HELP " + full + " " + help + "\n# TYPE " + full + " " + type + "\n")
                .getBytes(StandardCharsets.UTF_8);
        this.sampleName = full.getBytes(StandardCharsets.UTF_8);
    }

    /** The exposed name, with Kong's {@code kong_} prefix. */
    public String metricName() {
        return PREFIX + shortName;
    }

    public String help() {
        return help;
    }

    public String type() {
        return type;
    }

    byte[] header() {
        return header;
    }

    byte[] sampleName() {
        return sampleName;
    }
}

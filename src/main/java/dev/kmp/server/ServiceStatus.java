package dev.kmp.server;

import dev.kmp.pipeline.PipelineFileWatcher;
import dev.kmp.pipeline.PipelineRuntime;
import dev.kmp.pipeline.PipelineSpec;
import dev.kmp.pipeline.PipelinesConfig;
import dev.kmp.pipeline.TargetStatus;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Everything /status and /api/status show, gathered at request time from the running parts.
 * Kubernetes state arrives through a supplier so the server needs no knowledge of it.
 */
public final class ServiceStatus {
    private final String version;
    private final long startedMillis;
    private final PipelineRuntime runtime;
    private final PipelineFileWatcher watcher;
    private final Supplier<Map<String, Object>> kubernetes;
    private final Supplier<Readiness> dependencies;
    private volatile boolean ready;

    /**
     * Whether the parts the service depends on (the Kubernetes cache) allow it to be ready;
     * {@code note} says why not, or why it is ready in spite of them.
     */
    public record Readiness(boolean ready, String note) {
        public static final Readiness READY = new Readiness(true, null);
    }

    public ServiceStatus(String version, PipelineRuntime runtime, PipelineFileWatcher watcher,
                         Supplier<Map<String, Object>> kubernetes) {
        this(version, runtime, watcher, kubernetes, () -> Readiness.READY);
    }

    public ServiceStatus(String version, PipelineRuntime runtime, PipelineFileWatcher watcher,
                         Supplier<Map<String, Object>> kubernetes, Supplier<Readiness> dependencies) {
        this.dependencies = dependencies;
        this.version = version;
        this.startedMillis = System.currentTimeMillis();
        this.runtime = runtime;
        this.watcher = watcher;
        this.kubernetes = kubernetes;
    }

    public void markReady() {
        ready = true;
    }

    public boolean ready() {
        return ready && runtime.current() != null && dependencies.get().ready();
    }

    /** Why the service is not ready (or is ready only by timeout); null when there is nothing to say. */
    public String readinessNote() {
        if (!ready || runtime.current() == null) {
            return "pipelines are not running yet";
        }
        return dependencies.get().note();
    }

    /** The JSON document of /api/status (also what the HTML page shows). */
    public record Snapshot(
            String version,
            long startedMillis,
            long nowMillis,
            boolean ready,
            String readinessNote,
            Config config,
            List<PipelineSpec> pipelines,
            List<TargetStatus> targets,
            Map<String, Map<String, Object>> exporters,
            Map<String, Object> kubernetes,
            Map<String, Map<String, Object>> processors) {
    }

    /** The pipeline files in effect and the outcome of the latest (re)load. */
    public record Config(List<String> files, PipelineFileWatcher.ReloadState lastLoad) {
    }

    public Snapshot snapshot() {
        PipelinesConfig current = runtime.current();
        return new Snapshot(
                version,
                startedMillis,
                System.currentTimeMillis(),
                ready(),
                readinessNote(),
                new Config(current == null ? List.of() : current.files(), watcher == null ? null : watcher.state()),
                current == null ? List.of() : current.pipelines(),
                runtime.targets(),
                runtime.exporterStatus(),
                kubernetes.get(),
                runtime.processorStatus());
    }
}

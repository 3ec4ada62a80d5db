package dev.kmp.pipeline;

import dev.kmp.config.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * Reloads the pipeline files when their content changes. It compares a digest of the files'
 * contents on an interval rather than relying on file events: a Kubernetes ConfigMap update swaps
 * a {@code ..data} symlink, which file watchers report unreliably, while reading through the
 * symlink always sees the new content.
 *
 * <p>A changed config is validated first; an invalid one is refused (logged and kept for /status)
 * and the running pipelines go on unchanged.
 */
public final class PipelineFileWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PipelineFileWatcher.class.getName());

    private final Path source;
    private final PipelineConfigLoader loader;
    private final PipelineRuntime runtime;
    private final Duration interval;
    private volatile String appliedDigest;
    private volatile ReloadState state;
    private volatile Thread thread;

    /** The outcome of the latest load: when, whether it was applied, and the problems found. */
    public record ReloadState(long timeMillis, boolean applied, List<String> errors, List<String> warnings) {
    }

    public PipelineFileWatcher(Path source, PipelineConfigLoader loader, PipelineRuntime runtime, Duration interval) {
        this.source = source;
        this.loader = loader;
        this.runtime = runtime;
        this.interval = interval;
    }

    /** Loads and applies the files once; false (with the problems in {@link #state()}) when invalid. */
    public synchronized boolean loadNow() {
        String digest = digest();
        PipelineConfigLoader.Result result = loader.load(source);
        List<String> errors = result.problems().errors().stream().map(Problem::toString).toList();
        List<String> warnings = result.problems().warnings().stream().map(Problem::toString).toList();
        warnings.forEach(w -> LOG.log(System.Logger.Level.WARNING, w));
        if (!result.ok()) {
            errors.forEach(e -> LOG.log(System.Logger.Level.ERROR, e));
            state = new ReloadState(System.currentTimeMillis(), false, errors, warnings);
            appliedDigest = digest; // do not retry the same broken content every tick
            return false;
        }
        runtime.apply(result.config());
        appliedDigest = digest;
        state = new ReloadState(System.currentTimeMillis(), true, List.of(), warnings);
        return true;
    }

    public ReloadState state() {
        return state;
    }

    /** Starts watching in the background (after a successful {@link #loadNow()}). */
    public void start() {
        if (interval.isZero()) {
            return;
        }
        thread = Thread.ofVirtual().name("pipeline-file-watcher").start(this::watch);
    }

    private void watch() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
            try {
                String now = digest();
                if (!now.equals(appliedDigest)) {
                    LOG.log(System.Logger.Level.INFO, "pipeline files changed, reloading {0}", source);
                    if (loadNow()) {
                        LOG.log(System.Logger.Level.INFO, "pipeline configuration reloaded");
                    } else {
                        LOG.log(System.Logger.Level.ERROR, "pipeline configuration refused; the running pipelines go on unchanged");
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "reloading pipelines failed", e);
            }
        }
    }

    /** A digest of the names and contents of the pipeline files; unreadable files count as a change. */
    String digest() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path p : PipelineConfigLoader.pipelineFiles(source)) {
                md.update(p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(Files.readAllBytes(p));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            return "unreadable:" + e.getMessage();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}

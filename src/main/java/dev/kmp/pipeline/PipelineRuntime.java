package dev.kmp.pipeline;

import dev.kmp.model.Batch;
import dev.kmp.model.TargetId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the pipelines of a {@link PipelinesConfig}: creates components through their factories and
 * wires receivers -> processors -> exporters. One receiver may feed several pipelines and one
 * pipeline may fan out to several exporters.
 *
 * <p>{@link #apply} also performs reloads: a component whose type and config are unchanged keeps
 * running with its state (scrape loops, stored series); changed or removed ones are shut down and
 * their targets forgotten downstream. Receivers always send to a {@link SwitchableConsumer}, so
 * rewiring never restarts a scrape loop.
 */
public final class PipelineRuntime implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PipelineRuntime.class.getName());

    private final Factories factories;
    private final ComponentContext context;

    private final Map<String, Running<Receiver>> receivers = new LinkedHashMap<>();
    private final Map<String, Running<Processor>> processors = new LinkedHashMap<>();
    private final Map<String, Running<Exporter>> exporters = new LinkedHashMap<>();
    private final Map<String, SwitchableConsumer> receiverOutputs = new HashMap<>();
    /** Which exporters each receiver currently reaches, to forget its targets when that changes. */
    private Map<String, Set<String>> reach = Map.of();
    private volatile PipelinesConfig current;

    private record Running<T>(ComponentSpec spec, T component) {
    }

    public PipelineRuntime(Factories factories, ComponentContext context) {
        this.factories = factories;
        this.context = context;
    }

    public PipelinesConfig current() {
        return current;
    }

    /** Starts the given pipelines, or moves the running ones to them. The config must be validated. */
    public synchronized void apply(PipelinesConfig config) {
        // Exporters first (new ones must exist before anything sends to them), receivers last.
        Map<String, Exporter> oldExporters = new HashMap<>();
        exporters.forEach((id, r) -> oldExporters.put(id, r.component()));
        List<Exporter> retiredExporters = new ArrayList<>();
        syncExporters(config, retiredExporters);
        syncProcessors(config);

        Map<String, Set<String>> newReach = reachOf(config);
        // Receivers that stay but no longer reach an exporter: that exporter forgets their targets.
        for (Map.Entry<String, Set<String>> e : reach.entrySet()) {
            Running<Receiver> r = receivers.get(e.getKey());
            if (r == null || !r.spec().sameComponentAs(config.receivers().get(e.getKey()))) {
                continue; // removed or changed receivers are handled below
            }
            for (String exporterId : e.getValue()) {
                Exporter ex = oldExporters.get(exporterId);
                boolean stillReached = newReach.getOrDefault(e.getKey(), Set.of()).contains(exporterId)
                        && exporters.containsKey(exporterId) && exporters.get(exporterId).component() == ex;
                if (!stillReached && ex != null) {
                    forgetAll(r.component(), e.getKey(), ex);
                }
            }
        }

        // Rewire the receivers that keep running before stopping or starting others.
        for (Map.Entry<String, Running<Receiver>> e : receivers.entrySet()) {
            if (e.getValue().spec().sameComponentAs(config.receivers().get(e.getKey()))) {
                receiverOutputs.get(e.getKey()).switchTo(chainFor(e.getKey(), config));
            }
        }
        syncReceivers(config);

        for (Exporter ex : retiredExporters) {
            shutdownQuietly("exporter", ex::shutdown);
        }
        reach = newReach;
        current = config;
    }

    private void syncExporters(PipelinesConfig config, List<Exporter> retired) {
        for (var it = exporters.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().spec().sameComponentAs(config.exporters().get(e.getKey()))) {
                retired.add(e.getValue().component());
                it.remove();
            }
        }
        for (ComponentSpec spec : config.exporters().values()) {
            if (!exporters.containsKey(spec.id())) {
                Exporter ex = create(spec, Factories.Section.EXPORTERS, Exporter.class);
                ex.start();
                exporters.put(spec.id(), new Running<>(spec, ex));
                LOG.log(System.Logger.Level.INFO, "started exporter {0}", spec.id());
            }
        }
    }

    private void syncProcessors(PipelinesConfig config) {
        for (var it = processors.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().spec().sameComponentAs(config.processors().get(e.getKey()))) {
                shutdownQuietly("processor", e.getValue().component()::shutdown);
                it.remove();
            }
        }
        for (ComponentSpec spec : config.processors().values()) {
            processors.computeIfAbsent(spec.id(), id -> new Running<>(spec, create(spec, Factories.Section.PROCESSORS, Processor.class)));
        }
    }

    private void syncReceivers(PipelinesConfig config) {
        for (var it = receivers.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            ComponentSpec next = config.receivers().get(e.getKey());
            if (e.getValue().spec().sameComponentAs(next)) {
                continue;
            }
            Receiver old = e.getValue().component();
            shutdownQuietly("receiver", old::shutdown);
            // What the old receiver fed must not linger in the exporters it reached.
            for (String exporterId : reach.getOrDefault(e.getKey(), Set.of())) {
                Running<Exporter> ex = exporters.get(exporterId);
                if (ex != null) {
                    forgetAll(old, e.getKey(), ex.component());
                }
            }
            receiverOutputs.remove(e.getKey());
            it.remove();
            LOG.log(System.Logger.Level.INFO, "stopped receiver {0}", e.getKey());
        }
        for (ComponentSpec spec : config.receivers().values()) {
            if (receivers.containsKey(spec.id())) {
                continue;
            }
            Receiver r = create(spec, Factories.Section.RECEIVERS, Receiver.class);
            SwitchableConsumer out = new SwitchableConsumer(chainFor(spec.id(), config));
            receiverOutputs.put(spec.id(), out);
            receivers.put(spec.id(), new Running<>(spec, r));
            r.start(out);
            LOG.log(System.Logger.Level.INFO, "started receiver {0}", spec.id());
        }
    }

    private static void forgetAll(Receiver receiver, String receiverId, Exporter exporter) {
        for (TargetStatus t : receiver.targets()) {
            exporter.forget(new TargetId(receiverId, t.url()));
        }
    }

    /** What a receiver's batches go through: each pipeline that lists it, side by side. */
    private BatchConsumer chainFor(String receiverId, PipelinesConfig config) {
        List<BatchConsumer> chains = new ArrayList<>();
        for (PipelineSpec p : config.pipelines()) {
            if (!p.receivers().contains(receiverId)) {
                continue;
            }
            List<Processor> procs = p.processors().stream().map(id -> processors.get(id).component()).toList();
            List<Exporter> exs = p.exporters().stream().map(id -> exporters.get(id).component()).toList();
            chains.add(new PipelineChain(p.id(), procs, exs));
        }
        return chains.size() == 1 ? chains.getFirst() : new FanOut(chains);
    }

    private static Map<String, Set<String>> reachOf(PipelinesConfig config) {
        Map<String, Set<String>> out = new HashMap<>();
        for (PipelineSpec p : config.pipelines()) {
            for (String r : p.receivers()) {
                out.computeIfAbsent(r, k -> new LinkedHashSet<>()).addAll(p.exporters());
            }
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T> T create(ComponentSpec spec, Factories.Section section, Class<T> kind) {
        ComponentFactory factory = factories.section(section).get(spec.type());
        return kind.cast(factory.create(spec.id(), spec.config(), context));
    }

    private static void shutdownQuietly(String what, Runnable shutdown) {
        try {
            shutdown.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "shutting down a " + what + " failed", e);
        }
    }

    // ---- what /status and the HTTP server read ----

    public synchronized List<TargetStatus> targets() {
        List<TargetStatus> out = new ArrayList<>();
        receivers.values().forEach(r -> out.addAll(r.component().targets()));
        return out;
    }

    public synchronized Map<String, Map<String, Object>> exporterStatus() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        exporters.forEach((id, r) -> out.put(id, r.component().status()));
        return out;
    }

    public synchronized Map<String, Map<String, Object>> processorStatus() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        processors.forEach((id, r) -> out.put(id, r.component().status()));
        return out;
    }

    /** The exporters that answer HTTP on the main port, by path. */
    public synchronized Map<String, ScrapeEndpoint> scrapeEndpoints() {
        Map<String, ScrapeEndpoint> out = new LinkedHashMap<>();
        exporters.values().forEach(r -> {
            if (r.component() instanceof ScrapeEndpoint se) {
                out.put(se.path(), se);
            }
        });
        return out;
    }

    /** Stops receivers first (no new batches), then processors and exporters (which flush). */
    @Override
    public synchronized void close() {
        receivers.values().forEach(r -> shutdownQuietly("receiver", r.component()::shutdown));
        receivers.clear();
        receiverOutputs.clear();
        processors.values().forEach(r -> shutdownQuietly("processor", r.component()::shutdown));
        processors.clear();
        exporters.values().forEach(r -> shutdownQuietly("exporter", r.component()::shutdown));
        exporters.clear();
        reach = Map.of();
    }

    /** One pipeline: processors in order, then every exporter. */
    record PipelineChain(String id, List<Processor> processors, List<Exporter> exporters) implements BatchConsumer {
        @Override
        public void consume(Batch batch) {
            Batch b = batch;
            for (Processor p : processors) {
                try {
                    b = p.process(b);
                } catch (RuntimeException e) {
                    // A processor bug must not stop the scrape loop; the batch is dropped for this pipeline only.
                    LOG.log(System.Logger.Level.ERROR, "pipeline " + id + ": processor failed on " + batch.target(), e);
                    return;
                }
                if (b == null) {
                    return;
                }
            }
            for (Exporter e : exporters) {
                try {
                    e.consume(b);
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.ERROR, "pipeline " + id + ": exporter failed on " + batch.target(), ex);
                }
            }
        }

        @Override
        public void forget(TargetId target) {
            exporters.forEach(e -> e.forget(target));
        }
    }

    /** One receiver feeding several pipelines. */
    record FanOut(List<BatchConsumer> chains) implements BatchConsumer {
        @Override
        public void consume(Batch batch) {
            chains.forEach(c -> c.consume(batch));
        }

        @Override
        public void forget(TargetId target) {
            chains.forEach(c -> c.forget(target));
        }
    }

    /** A receiver's fixed output whose destination changes on reload. */
    static final class SwitchableConsumer implements BatchConsumer {
        private volatile BatchConsumer delegate;

        SwitchableConsumer(BatchConsumer delegate) {
            this.delegate = delegate;
        }

        void switchTo(BatchConsumer next) {
            delegate = next;
        }

        @Override
        public void consume(Batch batch) {
            delegate.consume(batch);
        }

        @Override
        public void forget(TargetId target) {
            delegate.forget(target);
        }
    }
}

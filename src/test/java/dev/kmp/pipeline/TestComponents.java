package dev.kmp.pipeline;

import dev.kmp.config.ConfigNode;
import dev.kmp.model.Batch;
import dev.kmp.model.TargetId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Components for pipeline tests: a receiver the test drives by hand and an exporter that records
 * what reaches it. Real implementations of the interfaces, not mocks: the runtime cannot tell.
 */
final class TestComponents {
    private TestComponents() {
    }

    record ManualConfig(List<String> targets) {
    }

    /** Type {@code manual}: targets listed in config; the test calls {@link ManualReceiver#emit}. */
    static final class ManualReceiverFactory implements ComponentFactory<ManualConfig, ManualReceiver> {
        final List<ManualReceiver> created = new CopyOnWriteArrayList<>();

        @Override
        public String type() {
            return "manual";
        }

        @Override
        public ManualConfig parseConfig(ConfigNode node) {
            return new ManualConfig(node.stringList("targets"));
        }

        @Override
        public ManualReceiver create(String id, ManualConfig config, ComponentContext context) {
            ManualReceiver r = new ManualReceiver(id, config);
            created.add(r);
            return r;
        }
    }

    static final class ManualReceiver implements Receiver {
        final String id;
        final ManualConfig config;
        volatile BatchConsumer next;
        volatile boolean stopped;

        ManualReceiver(String id, ManualConfig config) {
            this.id = id;
            this.config = config;
        }

        void emit(Batch b) {
            next.consume(b);
        }

        @Override
        public void start(BatchConsumer next) {
            this.next = next;
        }

        @Override
        public void shutdown() {
            stopped = true;
        }

        @Override
        public List<TargetStatus> targets() {
            return config.targets().stream()
                    .map(u -> new TargetStatus(id, u, true, 0, 0, 0, 0, null, null)).toList();
        }
    }

    record RecordingConfig(String tag) {
    }

    /** Type {@code recording}: keeps the latest batch per target, like a real store. */
    static final class RecordingExporterFactory implements ComponentFactory<RecordingConfig, RecordingExporter> {
        final Map<String, RecordingExporter> byId = new ConcurrentHashMap<>();

        @Override
        public String type() {
            return "recording";
        }

        @Override
        public RecordingConfig parseConfig(ConfigNode node) {
            return new RecordingConfig(node.string("tag", ""));
        }

        @Override
        public RecordingExporter create(String id, RecordingConfig config, ComponentContext context) {
            RecordingExporter e = new RecordingExporter();
            byId.put(id, e);
            return e;
        }
    }

    static final class RecordingExporter implements Exporter {
        final Map<TargetId, Batch> latest = new ConcurrentHashMap<>();
        volatile boolean stopped;

        @Override
        public void consume(Batch batch) {
            latest.put(batch.target(), batch);
        }

        @Override
        public void forget(TargetId target) {
            latest.remove(target);
        }

        @Override
        public void shutdown() {
            stopped = true;
        }
    }
}

package dev.kmp.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The component types the service knows, by section. Built explicitly in Main; adding a component
 * type means adding its factory here, never editing the pipeline core.
 */
public final class Factories {
    private final Map<String, ComponentFactory<?, ? extends Receiver>> receivers;
    private final Map<String, ComponentFactory<?, ? extends Processor>> processors;
    private final Map<String, ComponentFactory<?, ? extends Exporter>> exporters;

    private Factories(Builder b) {
        receivers = Collections.unmodifiableMap(new LinkedHashMap<>(b.receivers));
        processors = Collections.unmodifiableMap(new LinkedHashMap<>(b.processors));
        exporters = Collections.unmodifiableMap(new LinkedHashMap<>(b.exporters));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The factories of one section ({@code receivers}, {@code processors} or {@code exporters}). */
    public Map<String, ? extends ComponentFactory<?, ?>> section(Section section) {
        return switch (section) {
            case RECEIVERS -> receivers;
            case PROCESSORS -> processors;
            case EXPORTERS -> exporters;
        };
    }

    public Set<String> types(Section section) {
        return section(section).keySet();
    }

    /** The three component sections of a pipeline file. */
    public enum Section {
        RECEIVERS("receivers", "receiver"), PROCESSORS("processors", "processor"), EXPORTERS("exporters", "exporter");

        public final String key;
        public final String noun;

        Section(String key, String noun) {
            this.key = key;
            this.noun = noun;
        }
    }

    public static final class Builder {
        private final Map<String, ComponentFactory<?, ? extends Receiver>> receivers = new LinkedHashMap<>();
        private final Map<String, ComponentFactory<?, ? extends Processor>> processors = new LinkedHashMap<>();
        private final Map<String, ComponentFactory<?, ? extends Exporter>> exporters = new LinkedHashMap<>();

        public Builder receiver(ComponentFactory<?, ? extends Receiver> f) {
            receivers.put(f.type(), f);
            return this;
        }

        public Builder processor(ComponentFactory<?, ? extends Processor> f) {
            processors.put(f.type(), f);
            return this;
        }

        public Builder exporter(ComponentFactory<?, ? extends Exporter> f) {
            exporters.put(f.type(), f);
            return this;
        }

        public Factories build() {
            return new Factories(this);
        }
    }
}

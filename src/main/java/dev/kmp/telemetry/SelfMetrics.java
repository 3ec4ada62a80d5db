package dev.kmp.telemetry;

import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.ScalarSeries;
import dev.kmp.model.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Supplier;

/**
 * The service's own metrics ({@code kmp_*}): counters and gauges with labels, read as
 * {@link MetricFamily} snapshots by exporters. Created once in Main and passed to components.
 */
public final class SelfMetrics {
    private final Map<String, Family> families = new ConcurrentSkipListMap<>();
    private final List<Supplier<List<MetricFamily>>> collectors = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A family of counters; the same name twice returns the same family. */
    public Family counter(String name, String help, String... labelNames) {
        return family(name, MetricType.COUNTER, help, labelNames);
    }

    public Family gauge(String name, String help, String... labelNames) {
        return family(name, MetricType.GAUGE, help, labelNames);
    }

    private Family family(String name, MetricType type, String help, String[] labelNames) {
        Family f = families.computeIfAbsent(name, n -> new Family(n, type, help, labelNames));
        if (f.type != type) {
            throw new IllegalArgumentException(name + " is already registered as " + f.type);
        }
        return f;
    }

    /** Adds families computed at read time (e.g. the JVM's own metrics). */
    public void addCollector(Supplier<List<MetricFamily>> collector) {
        collectors.add(collector);
    }

    /** A consistent-enough snapshot of every family with at least one series. */
    public List<MetricFamily> snapshot() {
        List<MetricFamily> out = new ArrayList<>();
        for (Family f : families.values()) {
            MetricFamily mf = f.snapshot();
            if (!mf.series().isEmpty()) {
                out.add(mf);
            }
        }
        for (Supplier<List<MetricFamily>> c : collectors) {
            out.addAll(c.get());
        }
        return out;
    }

    /** One metric family of ours; children are keyed by their label values. */
    public static final class Family {
        private final String name;
        private final MetricType type;
        private final String help;
        private final String[] labelNames;
        private final Map<List<String>, Child> children = new ConcurrentHashMap<>();

        private Family(String name, MetricType type, String help, String[] labelNames) {
            this.name = name;
            this.type = type;
            this.help = help;
            this.labelNames = labelNames.clone();
        }

        public Child labels(String... values) {
            if (values.length != labelNames.length) {
                throw new IllegalArgumentException(name + " takes " + labelNames.length + " label values");
            }
            return children.computeIfAbsent(List.of(values), v -> new Child(Labels.ofArrays(labelNames.clone(), values.clone())));
        }

        /** Drops every child whose labels match (e.g. the series of a target that is gone). */
        public void removeIf(java.util.function.Predicate<Labels> match) {
            children.values().removeIf(c -> match.test(c.labels));
        }

        MetricFamily snapshot() {
            List<Series> series = new ArrayList<>(children.size());
            for (Child c : children.values()) {
                series.add(new ScalarSeries(name, c.labels, c.get()));
            }
            series.sort((a, b) -> a.labels().toString().compareTo(b.labels().toString()));
            return new MetricFamily(name, type, help, series);
        }
    }

    /** One series: a counter to increment or a gauge to set. */
    public static final class Child {
        private final Labels labels;
        private final DoubleAdder adder = new DoubleAdder();
        private volatile double value;
        private volatile boolean set;

        private Child(Labels labels) {
            this.labels = labels;
        }

        public void inc() {
            adder.add(1);
        }

        public void inc(double amount) {
            adder.add(amount);
        }

        public void set(double v) {
            value = v;
            set = true;
        }

        public double get() {
            return set ? value : adder.sum();
        }
    }
}

package dev.kmp.exporter.prometheus;

import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.Series;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges the families of all targets and the service's own families into one exposition where
 * every family name appears once.
 *
 * <p>Order: target families sorted by name (a stable, diffable body whatever order targets were
 * scraped in; Kong itself sorts by name), series of one family in target first-seen order, each
 * target's series in its batch order; then our own families in {@code SelfMetrics} order.
 *
 * <p>The first family seen under a name fixes its type and help; series of a later family of that
 * name with another type are skipped and counted. Our own families whose name a target already
 * uses are skipped the same way (a scraped Java process exporting {@code process_*} too).
 */
final class Exposition {
    record Stats(long sampleLines, long conflictingSeries) {
    }

    private static final class Merged {
        final MetricType type;
        String help;
        final List<MetricFamily> parts = new ArrayList<>(4);

        Merged(MetricFamily first) {
            type = first.type();
            help = first.help();
            parts.add(first);
        }

        /** @return the number of series skipped because the type differs */
        long add(MetricFamily f) {
            if (f.type() != type) {
                return f.series().size();
            }
            if (help.isEmpty()) {
                help = f.help();
            }
            parts.add(f);
            return 0;
        }
    }

    private Exposition() {
    }

    static Stats write(List<SeriesStore.TargetSeries> targets, List<MetricFamily> own, ExpositionWriter out)
            throws IOException {
        long conflicts = 0;
        Map<String, Merged> scraped = new TreeMap<>();
        for (SeriesStore.TargetSeries t : targets) {
            for (MetricFamily f : t.families()) {
                Merged m = scraped.get(f.name());
                if (m == null) {
                    scraped.put(f.name(), new Merged(f));
                } else {
                    conflicts += m.add(f);
                }
            }
        }
        Map<String, Merged> ours = new LinkedHashMap<>();
        for (MetricFamily f : own) {
            if (scraped.containsKey(f.name())) {
                conflicts += f.series().size();
                continue;
            }
            Merged m = ours.get(f.name());
            if (m == null) {
                ours.put(f.name(), new Merged(f));
            } else {
                conflicts += m.add(f);
            }
        }
        writeAll(scraped, out);
        writeAll(ours, out);
        out.finish();
        return new Stats(out.sampleLines(), conflicts);
    }

    private static void writeAll(Map<String, Merged> families, ExpositionWriter out) throws IOException {
        for (Map.Entry<String, Merged> e : families.entrySet()) {
            Merged m = e.getValue();
            out.startFamily(e.getKey(), m.type, m.help);
            for (MetricFamily part : m.parts) {
                for (Series s : part.series()) {
                    out.series(s);
                }
            }
        }
    }
}

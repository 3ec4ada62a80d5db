package dev.kmp.processor.filter;

import dev.kmp.model.Batch;
import dev.kmp.model.MetricFamily;
import dev.kmp.pipeline.Processor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Keeps the families the config selects. Decisions are cached per family name (a handful per payload). */
public final class FilterProcessor implements Processor {
    private final List<Pattern> include;
    private final List<Pattern> exclude;
    private final Map<String, Boolean> decisions = new ConcurrentHashMap<>();

    public FilterProcessor(FilterProcessorConfig config) {
        this.include = config.include().stream().map(FilterProcessor::glob).toList();
        this.exclude = config.exclude().stream().map(FilterProcessor::glob).toList();
    }

    private static Pattern glob(String g) {
        java.util.StringJoiner re = new java.util.StringJoiner(".*");
        for (String part : g.split("\\*", -1)) {
            re.add(Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }

    boolean keeps(String family) {
        if (decisions.size() > 10_000) {
            decisions.clear(); // family names are few; this only guards against a payload inventing new ones
        }
        return decisions.computeIfAbsent(family, f ->
                (include.isEmpty() || include.stream().anyMatch(p -> p.matcher(f).matches()))
                        && exclude.stream().noneMatch(p -> p.matcher(f).matches()));
    }

    @Override
    public Batch process(Batch batch) {
        List<MetricFamily> kept = new ArrayList<>(batch.families().size());
        for (MetricFamily f : batch.families()) {
            if (keeps(f.name())) {
                kept.add(f);
            }
        }
        return kept.size() == batch.families().size() ? batch : batch.withFamilies(kept);
    }
}

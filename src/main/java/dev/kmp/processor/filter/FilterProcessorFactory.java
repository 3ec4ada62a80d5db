package dev.kmp.processor.filter;

import dev.kmp.config.ConfigNode;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.ComponentFactory;
import java.util.List;

/** Type {@code filter}: keeps or drops whole metric families by name. */
public final class FilterProcessorFactory implements ComponentFactory<FilterProcessorConfig, FilterProcessor> {
    @Override
    public String type() {
        return "filter";
    }

    @Override
    public FilterProcessorConfig parseConfig(ConfigNode node) {
        List<String> include = node.stringList("include");
        List<String> exclude = node.stringList("exclude");
        for (String key : List.of("include", "exclude")) {
            for (ConfigNode item : node.get(key).items()) {
                String s = item.asString();
                if (s != null && !s.matches("[a-zA-Z_:*][a-zA-Z0-9_:*]*")) {
                    item.error("'" + s + "' is not a metric name pattern (letters, digits, '_', ':' and '*')");
                }
            }
        }
        if (include.isEmpty() && exclude.isEmpty()) {
            node.warning("neither include nor exclude is set: the filter passes everything");
        }
        return new FilterProcessorConfig(include, exclude);
    }

    @Override
    public FilterProcessor create(String id, FilterProcessorConfig config, ComponentContext context) {
        return new FilterProcessor(config);
    }
}

package dev.kmp.pipeline;

import dev.kmp.config.ConfigNode;

/**
 * Makes one type of component (the part of an id before the slash: {@code kong} in {@code kong/edge}).
 * {@link #parseConfig} reads and validates the component's YAML into an immutable config value,
 * recording problems in {@code node.problems()}; configs compare with {@code equals} so a reload
 * keeps components whose config did not change.
 */
public interface ComponentFactory<C, T> {
    String type();

    C parseConfig(ConfigNode node);

    T create(String id, C config, ComponentContext context);
}

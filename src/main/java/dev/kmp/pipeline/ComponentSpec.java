package dev.kmp.pipeline;

/**
 * One configured component: its id ({@code type[/name]}), the validated config value the factory
 * made, and where it was written. Two specs with equal type and config make the same component, so
 * a reload keeps the running one.
 */
public record ComponentSpec(String id, String type, Object config, String file, int line) {
    public boolean sameComponentAs(ComponentSpec other) {
        return other != null && type.equals(other.type) && config.equals(other.config);
    }
}

package dev.kmp.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An offline check of a value against a CRD's openAPIV3Schema: the subset structural schemas use
 * (type, properties, required, items, additionalProperties, enum, x-kubernetes-preserve-unknown-fields).
 * Returns one message per problem, each with the field path, the way the API server words them.
 */
final class OpenApiSchemaCheck {
    private OpenApiSchemaCheck() {
    }

    static List<String> validate(Object value, Map<?, ?> schema) {
        List<String> problems = new ArrayList<>();
        check("", value, schema, problems);
        return problems;
    }

    private static void check(String path, Object value, Map<?, ?> schema, List<String> problems) {
        if (value == null) {
            if (!Boolean.TRUE.equals(schema.get("nullable"))) {
                problems.add(path + ": null is not allowed");
            }
            return;
        }
        Object type = schema.get("type");
        if (type != null && !typeMatches(String.valueOf(type), value)) {
            problems.add(path + ": expected " + type + ", got " + value.getClass().getSimpleName() + " " + value);
            return;
        }
        if (schema.get("enum") instanceof List<?> allowed && !allowed.contains(value)) {
            problems.add(path + ": " + value + " is not one of " + allowed);
        }
        if (value instanceof Map<?, ?> object) {
            Map<?, ?> properties = schema.get("properties") instanceof Map<?, ?> p ? p : Map.of();
            if (schema.get("required") instanceof List<?> required) {
                for (Object r : required) {
                    if (!object.containsKey(r)) {
                        problems.add(path + "." + r + ": required");
                    }
                }
            }
            boolean preserveUnknown = Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"));
            Object additional = schema.get("additionalProperties");
            for (Map.Entry<?, ?> e : object.entrySet()) {
                String child = path + "." + e.getKey();
                if (properties.get(e.getKey()) instanceof Map<?, ?> sub) {
                    check(child, e.getValue(), sub, problems);
                } else if (additional instanceof Map<?, ?> sub) {
                    check(child, e.getValue(), sub, problems);
                } else if (!preserveUnknown && !Boolean.TRUE.equals(additional)) {
                    problems.add(child + ": unknown field");
                }
            }
        }
        if (value instanceof List<?> list && schema.get("items") instanceof Map<?, ?> items) {
            for (int i = 0; i < list.size(); i++) {
                check(path + "[" + i + "]", list.get(i), items, problems);
            }
        }
    }

    private static boolean typeMatches(String type, Object value) {
        return switch (type) {
            case "object" -> value instanceof Map<?, ?>;
            case "array" -> value instanceof List<?>;
            case "string" -> value instanceof String;
            case "boolean" -> value instanceof Boolean;
            case "integer" -> value instanceof Integer || value instanceof Long;
            case "number" -> value instanceof Number;
            default -> true;
        };
    }
}

package dev.kmp.config;

import java.util.function.Function;

/**
 * Expands {@code ${env:VAR}} and {@code ${env:VAR:-default}} in a scalar, as the OpenTelemetry
 * Collector does; {@code $$} stands for a literal {@code $}.
 */
public final class EnvSubstitution {
    private final Function<String, String> env;

    public EnvSubstitution(Function<String, String> env) {
        this.env = env;
    }

    /** @throws IllegalArgumentException naming the variable (never its value) */
    public String expand(String text) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && text.startsWith("${", i)) {
                int end = text.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed '${' in value");
                }
                out.append(resolve(text.substring(i + 2, end)));
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private String resolve(String ref) {
        if (!ref.startsWith("env:")) {
            throw new IllegalArgumentException("'${" + ref + "}': only ${env:VAR} and ${env:VAR:-default} are supported");
        }
        String body = ref.substring(4);
        int dflt = body.indexOf(":-");
        String name = dflt < 0 ? body : body.substring(0, dflt);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("'" + name + "' is not an environment variable name");
        }
        String value = env.apply(name);
        if (value != null && !value.isEmpty()) {
            return value;
        }
        if (dflt >= 0) {
            return body.substring(dflt + 2);
        }
        if (value != null) {
            return value;
        }
        throw new IllegalArgumentException("environment variable " + name + " is not set (write ${env:" + name
                + ":-default} to give a default)");
    }
}

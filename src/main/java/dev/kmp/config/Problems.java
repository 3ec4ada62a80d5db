package dev.kmp.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/** Collects every problem of a configuration, so one run reports them all at once. */
public final class Problems {
    private final List<Problem> list = new ArrayList<>();

    public void error(String file, int line, String path, String message) {
        list.add(new Problem(Problem.Severity.ERROR, file, line, path, message));
    }

    public void warning(String file, int line, String path, String message) {
        list.add(new Problem(Problem.Severity.WARNING, file, line, path, message));
    }

    public boolean hasErrors() {
        return list.stream().anyMatch(p -> p.severity() == Problem.Severity.ERROR);
    }

    /** All problems, sorted by file and line. */
    public List<Problem> all() {
        List<Problem> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparing(Problem::file).thenComparingInt(Problem::line));
        return Collections.unmodifiableList(sorted);
    }

    public List<Problem> errors() {
        return all().stream().filter(p -> p.severity() == Problem.Severity.ERROR).toList();
    }

    public List<Problem> warnings() {
        return all().stream().filter(p -> p.severity() == Problem.Severity.WARNING).toList();
    }

    /** One problem a line, in the {@code FILE:LINE: path: message} form. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        for (Problem p : all()) {
            sb.append(p).append('\n');
        }
        return sb.toString();
    }
}

package dev.tidings.event;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A comma-separated list of event types: exact names, prefix wildcards ({@code order.*}) or {@code *}.
 * An absent or empty filter matches every type.
 */
public record TypeFilter(List<String> exact, List<String> prefixes, boolean matchesAll) {

    public static final TypeFilter ALL = new TypeFilter(List.of(), List.of(), true);

    public static TypeFilter parse(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return ALL;
        }
        return of(Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }

    public static TypeFilter of(List<String> patterns) {
        List<String> exact = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        for (String pattern : patterns) {
            if (pattern.equals("*")) {
                return ALL;
            }
            if (pattern.endsWith(".*")) {
                prefixes.add(pattern.substring(0, pattern.length() - 1));
            } else {
                exact.add(pattern);
            }
        }
        return exact.isEmpty() && prefixes.isEmpty() ? ALL : new TypeFilter(List.copyOf(exact), List.copyOf(prefixes), false);
    }

    /** Whether each pattern is an event type name or a wildcard over one. */
    public static boolean isValidPattern(String pattern) {
        return pattern.equals("*") || EventType.isValid(pattern)
                || (pattern.endsWith(".*") && pattern.matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*\\.\\*"));
    }

    public boolean matches(String eventType) {
        return matchesAll || exact.contains(eventType) || prefixes.stream().anyMatch(eventType::startsWith);
    }

    /**
     * The whole filter as SQL LIKE patterns, for one array parameter: {@code event_type like any($n)}.
     * Names match themselves (LIKE's own wildcards escaped), prefixes anything after them, ALL everything.
     */
    public List<String> likePatterns() {
        if (matchesAll) {
            return List.of("%");
        }
        List<String> patterns = new ArrayList<>();
        exact.forEach(name -> patterns.add(escapeLike(name)));
        prefixes.forEach(prefix -> patterns.add(escapeLike(prefix) + "%"));
        return patterns;
    }

    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%");
    }
}

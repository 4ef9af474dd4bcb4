package dev.tidings.schema;

import dev.tidings.problem.Problem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The regular expressions of a JSON Schema ({@code pattern} values and {@code patternProperties} keys),
 * and the registration check that refuses those java.util.regex cannot compile or that backtrack
 * catastrophically on adversarial probes. Evaluation keeps its own budget ({@link SchemaValidation}):
 * probes find the usual traps, not every slow pattern.
 */
final class SchemaPatterns {

    /** Each pattern's probes together; a sound pattern needs well under a millisecond, a catastrophic one never ends. */
    static final Duration PROBE_BUDGET = Duration.ofMillis(100);
    /** All patterns of one schema together, so a schema of many patterns cannot hold a worker thread for long. */
    static final Duration CHECK_BUDGET = Duration.ofSeconds(2);
    /** Long enough for exponential backtracking to be hopeless (2^64), short enough for quadratic search to be instant. */
    static final int PROBE_LENGTH = 64;
    /** Characters a probe is built from: enough for the classic traps, few enough to keep probes cheap. */
    private static final int ALPHABET = 12;
    /** Keywords whose values are data, not schemas: a "pattern" inside them is not a keyword. */
    private static final Set<String> DATA_KEYWORDS = Set.of("const", "enum", "default", "examples");
    /** Keywords whose values map names to schemas. */
    private static final Set<String> NAMED_SCHEMAS = Set.of("properties", "$defs", "definitions", "dependentSchemas");

    /** One pattern and where the schema states it ("schema.properties.code.pattern"). */
    record Located(String location, String regex) {
    }

    private SchemaPatterns() {
    }

    static List<Located> of(JsonObject schema) {
        List<Located> found = new ArrayList<>();
        walk(schema, "schema", found);
        return found;
    }

    /** The patterns that compile, for evaluation; a pattern that does not was refused at registration. */
    static List<Pattern> compiled(JsonObject schema) {
        Set<String> regexes = new LinkedHashSet<>();
        of(schema).forEach(located -> regexes.add(located.regex()));
        List<Pattern> patterns = new ArrayList<>(regexes.size());
        for (String regex : regexes) {
            try {
                patterns.add(Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                // the validator fails on it as it always did; nothing to bound here
            }
        }
        return patterns;
    }

    /** What makes the schema's patterns unsafe to evaluate; empty when every one compiles and passes its probes. */
    static List<Problem.FieldError> check(JsonObject schema) {
        RegexBudget total = new RegexBudget(CHECK_BUDGET);
        List<Problem.FieldError> errors = new ArrayList<>();
        for (Located located : of(schema)) {
            if (total.exhausted()) {
                errors.add(new Problem.FieldError("schema", "has too many patterns to check in " + CHECK_BUDGET.toMillis() + " ms"));
                return errors;
            }
            Pattern pattern;
            try {
                pattern = Pattern.compile(located.regex());
            } catch (PatternSyntaxException e) {
                errors.add(new Problem.FieldError(located.location(), "is not a regular expression this service can evaluate: "
                        + e.getDescription()));
                continue;
            }
            if (!passesProbes(pattern)) {
                errors.add(new Problem.FieldError(located.location(), "backtracks catastrophically (no answer within "
                        + PROBE_BUDGET.toMillis() + " ms on a " + PROBE_LENGTH + "-character input)"));
            }
        }
        return errors;
    }

    static boolean passesProbes(Pattern pattern) {
        RegexBudget budget = new RegexBudget(PROBE_BUDGET);
        try {
            for (String probe : probes(pattern.pattern())) {
                budget.find(pattern, probe);
            }
            return true;
        } catch (RegexBudget.Exceeded e) {
            return false;
        }
    }

    /** Runs of one character, and of two alternating, each spoiled by a final character the run lacks. */
    static List<String> probes(String regex) {
        List<Character> alphabet = new ArrayList<>(alphabet(regex));
        List<String> probes = new ArrayList<>();
        for (char c : alphabet) {
            String run = String.valueOf(c).repeat(PROBE_LENGTH);
            probes.add(run + "!");
            probes.add(run + "\u0000");
        }
        for (char a : alphabet) {
            for (char b : alphabet) {
                if (a != b) {
                    probes.add((String.valueOf(a) + b).repeat(PROBE_LENGTH / 2) + "!");
                }
            }
        }
        return probes;
    }

    /** The literal characters of the pattern and one member of each class shorthand it uses. */
    private static Set<Character> alphabet(String regex) {
        Set<Character> alphabet = new LinkedHashSet<>();
        for (int i = 0; i < regex.length() && alphabet.size() < ALPHABET; i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                char escaped = regex.charAt(++i);
                switch (escaped) {
                    case 'd' -> alphabet.add('1');
                    case 'w' -> alphabet.add('a');
                    case 's' -> alphabet.add(' ');
                    case 'D', 'W', 'S' -> alphabet.add('-');
                    default -> alphabet.add(escaped);
                }
            } else if (Character.isLetterOrDigit(c) || "-_@:/ ,;'\"#%&=~`<>".indexOf(c) >= 0) {
                alphabet.add(c);
            } else if (c == '.') {
                alphabet.add('a');
            }
        }
        alphabet.add('a');
        alphabet.add('1');
        return alphabet;
    }

    private static void walk(Object node, String location, List<Located> found) {
        if (node instanceof JsonArray array) {
            for (int i = 0; i < array.size(); i++) {
                walk(array.getValue(i), location + "[" + i + "]", found);
            }
            return;
        }
        if (!(node instanceof JsonObject object)) {
            return;
        }
        for (Map.Entry<String, Object> entry : object) {
            String key = entry.getKey();
            Object value = entry.getValue();
            String here = location + "." + key;
            if (key.equals("pattern") && value instanceof String regex) {
                found.add(new Located(here, regex));
            } else if (key.equals("patternProperties") && value instanceof JsonObject properties) {
                for (Map.Entry<String, Object> property : properties) {
                    found.add(new Located(here + "." + property.getKey(), property.getKey()));
                    walk(property.getValue(), here + "." + property.getKey(), found);
                }
            } else if (NAMED_SCHEMAS.contains(key) && value instanceof JsonObject named) {
                for (Map.Entry<String, Object> schema : named) {
                    walk(schema.getValue(), here + "." + schema.getKey(), found);
                }
            } else if (!DATA_KEYWORDS.contains(key)) {
                walk(value, here, found);
            }
        }
    }
}

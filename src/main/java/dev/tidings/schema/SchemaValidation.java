package dev.tidings.schema;

import dev.tidings.problem.Problem;
import dev.tidings.problem.SchemaBudgetExceeded;
import dev.tidings.problem.SchemaViolation;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Validator;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates event data against the schema of its type and version, in bounded time. Registered versions
 * never change, so their compiled validators are cached; the cache keeps the most recently used
 * {@link #CACHED_VALIDATORS}. Before the validator runs, every pattern of the schema is searched in every
 * string and key of the data under {@link #EVALUATION_BUDGET} (java.util.regex cannot be interrupted, so
 * the validator only runs once each of its pattern searches is known to end quickly).
 */
@ApplicationScoped
public class SchemaValidation {

    /** Enough for every type a deployment publishes at once; compiling a schema again costs only time. */
    static final int CACHED_VALIDATORS = 1000;
    /** All pattern searches of one event together; ordinary data needs a few milliseconds at the size limit. */
    static final Duration EVALUATION_BUDGET = Duration.ofMillis(500);

    /** A version's validator and the regular expressions it will evaluate. */
    private record Compiled(Validator validator, List<Pattern> patterns) {
    }

    @Inject
    EventTypeCatalogue catalogue;
    @Inject
    SchemaCompiler compiler;
    @Inject
    Vertx vertx;
    private final Map<TypeVersion, Compiled> validators = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TypeVersion, Compiled> eldest) {
            return size() > CACHED_VALIDATORS;
        }
    };

    /**
     * Validates on the caller's thread: for the built-in types, whose schemas ship with the service, inside
     * the caller's transaction. Fails with {@link SchemaViolation} (or {@link UnknownEventType}).
     */
    public Uni<Void> validate(String eventType, int version, String dataJson) {
        return compiled(new TypeVersion(eventType, version)).invoke(compiled -> check(compiled, eventType, version, dataJson))
                .replaceWithVoid();
    }

    /**
     * Validates on a worker thread, never on the event loop, and answers on the caller's context. Call it
     * before opening a transaction. Fails with {@link SchemaViolation}, {@link SchemaBudgetExceeded} or
     * {@link UnknownEventType}.
     */
    public Uni<Void> validateOffTheEventLoop(String eventType, int version, String dataJson) {
        return compiled(new TypeVersion(eventType, version)).chain(compiled -> vertx.executeBlocking(() -> {
            check(compiled, eventType, version, dataJson);
            return null;
        }, false)).replaceWithVoid();
    }

    private void check(Compiled compiled, String eventType, int version, String dataJson) {
        Object data = Json.decodeValue(dataJson);
        if (!patternsEndInTime(compiled.patterns(), data)) {
            throw new SchemaBudgetExceeded(eventType, version);
        }
        List<Problem.FieldError> errors;
        try {
            errors = compiler.validate(compiled.validator(), data);
        } catch (StackOverflowError e) {
            // a recursive schema applied to data nested nearly as deep as the JSON parser allows
            throw new SchemaBudgetExceeded(eventType, version);
        }
        if (!errors.isEmpty()) {
            throw new SchemaViolation(eventType, version, errors);
        }
    }

    /** Searches every pattern in every string value and object key, as the validator might, within the budget. */
    static boolean patternsEndInTime(List<Pattern> patterns, Object data) {
        if (patterns.isEmpty()) {
            return true;
        }
        RegexBudget budget = new RegexBudget(EVALUATION_BUDGET);
        Deque<Object> pending = new ArrayDeque<>();
        pending.push(data);
        try {
            while (!pending.isEmpty()) {
                Object node = pending.pop();
                if (node instanceof String text) {
                    search(budget, patterns, text);
                } else if (node instanceof JsonObject object) {
                    for (Map.Entry<String, Object> entry : object) {
                        search(budget, patterns, entry.getKey());
                        pushIfAny(pending, entry.getValue());
                    }
                } else if (node instanceof JsonArray array) {
                    for (Object item : array) {
                        pushIfAny(pending, item);
                    }
                }
            }
            return !budget.exhausted();
        } catch (RegexBudget.Exceeded e) {
            return false;
        }
    }

    private static void search(RegexBudget budget, List<Pattern> patterns, String text) {
        for (Pattern pattern : patterns) {
            budget.find(pattern, text);
        }
    }

    private static void pushIfAny(Deque<Object> pending, Object value) {
        if (value != null) {
            pending.push(value);
        }
    }

    private Uni<Compiled> compiled(TypeVersion key) {
        Compiled cached;
        synchronized (validators) {
            cached = validators.get(key);
        }
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return catalogue.schema(key.eventType(), key.version()).map(text -> {
            JsonObject schema = new JsonObject(text);
            Compiled compiled = new Compiled(compiler.compile(schema), SchemaPatterns.compiled(schema));
            synchronized (validators) {
                validators.put(key, compiled);
            }
            return compiled;
        });
    }
}

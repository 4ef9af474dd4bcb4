package dev.tidings.schema;

import dev.tidings.problem.Problem;
import dev.tidings.problem.SchemaViolation;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Validator;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates event data against the schema of its type and version. Registered versions never change,
 * so their compiled validators are cached; the cache keeps the most recently used {@link #CACHED_VALIDATORS}.
 */
@ApplicationScoped
public class SchemaValidation {

    /** Enough for every type a deployment publishes at once; compiling a schema again costs only time. */
    static final int CACHED_VALIDATORS = 1000;

    private final EventTypeCatalogue catalogue;
    private final SchemaCompiler compiler;
    private final Map<TypeVersion, Validator> validators = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TypeVersion, Validator> eldest) {
            return size() > CACHED_VALIDATORS;
        }
    };

    public SchemaValidation(EventTypeCatalogue catalogue, SchemaCompiler compiler) {
        this.catalogue = catalogue;
        this.compiler = compiler;
    }

    /** Fails with {@link SchemaViolation} (or {@link UnknownEventType}) unless {@code dataJson} fits the schema. */
    public Uni<Void> validate(String eventType, int version, String dataJson) {
        return validator(new TypeVersion(eventType, version)).invoke(validator -> {
            List<Problem.FieldError> errors = compiler.validate(validator, dataJson);
            if (!errors.isEmpty()) {
                throw new SchemaViolation(eventType, version, errors);
            }
        }).replaceWithVoid();
    }

    private Uni<Validator> validator(TypeVersion key) {
        Validator cached = cached(key);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return catalogue.schema(key.eventType(), key.version()).map(text -> {
            Validator compiled = compiler.compile(new JsonObject(text));
            synchronized (validators) {
                validators.put(key, compiled);
            }
            return compiled;
        });
    }

    private Validator cached(TypeVersion key) {
        synchronized (validators) {
            return validators.get(key);
        }
    }
}

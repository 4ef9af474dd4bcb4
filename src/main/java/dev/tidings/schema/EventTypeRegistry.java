package dev.tidings.schema;

import dev.tidings.event.BuiltInEventType;
import dev.tidings.event.EventType;
import dev.tidings.problem.Conflict;
import dev.tidings.problem.InvalidRequest;
import dev.tidings.problem.Problem;
import dev.tidings.problem.ResourceNotFound;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * The registry's use cases (CONTRACT §3): register a type, add a version, deprecate one. Names and
 * schemas are checked here; the catalogue stores them. Built-in types are read-only.
 */
@ApplicationScoped
public class EventTypeRegistry {

    private final EventTypeCatalogue catalogue;
    private final SchemaCompiler compiler;
    private final Deprecations deprecations;

    public EventTypeRegistry(EventTypeCatalogue catalogue, SchemaCompiler compiler, Deprecations deprecations) {
        this.catalogue = catalogue;
        this.compiler = compiler;
        this.deprecations = deprecations;
    }

    /** Version 1 of a new type: 409 if it exists or is reserved, 400 if the name or the schema is invalid. */
    Uni<EventTypeView> register(String eventType, String description, Object schema) {
        if (!EventType.isValid(eventType)) {
            throw new InvalidRequest("eventType", "must look like resource.action, lower case: [a-z][a-z0-9_]*(.[a-z][a-z0-9_]*)+");
        }
        refuseReserved(eventType);
        return catalogue.register(eventType, description == null ? "" : description, checked(schema));
    }

    Uni<EventTypeView> addVersion(String eventType, Object schema) {
        refuseReserved(eventType);
        return catalogue.addVersion(eventType, checked(schema));
    }

    Uni<EventTypeView> deprecate(String eventType, int version) {
        refuseReserved(eventType);
        return catalogue.deprecate(eventType, version).invoke(() -> deprecations.forget(eventType, version));
    }

    Uni<List<EventTypeView>> list(String after, int limit) {
        return catalogue.list(after, limit);
    }

    Uni<String> schema(String eventType, int version) {
        return catalogue.find(eventType).chain(() -> catalogue.schema(eventType, version))
                .onFailure(UnknownEventType.class).transform(e -> new ResourceNotFound("Schema of " + eventType + " version", version));
    }

    /** The schema's text once it passed the draft 2020-12 meta-schema. */
    private String checked(Object schema) {
        List<Problem.FieldError> errors = compiler.check(schema);
        if (!errors.isEmpty()) {
            throw new InvalidRequest(errors);
        }
        return ((JsonObject) schema).encode();
    }

    private static void refuseReserved(String eventType) {
        if (BuiltInEventType.isReserved(eventType)) {
            throw new Conflict("Event types under " + String.join(", ", BuiltInEventType.RESERVED_PREFIXES)
                    + " are built in and read-only.");
        }
    }
}

package dev.tidings.schema;

import dev.tidings.config.EventsConfig;
import dev.tidings.event.BuiltInEventType;
import dev.tidings.event.EventType;
import dev.tidings.problem.Conflict;
import dev.tidings.problem.ContentTooLarge;
import dev.tidings.problem.InvalidRequest;
import dev.tidings.problem.Problem;
import dev.tidings.problem.ResourceNotFound;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry's use cases (CONTRACT §3): register a type, add a version, deprecate one. Names and
 * schemas are checked here, schemas off the event loop; the catalogue stores them. Built-in types are
 * read-only. A name accepted here can always be published: it fits its column and makes a Kafka topic.
 */
@ApplicationScoped
public class EventTypeRegistry {

    /** The event_type.name column (and every event_type column that refers to it). */
    static final int NAME_LENGTH = 255;
    /** Kafka refuses longer topic names. */
    static final int KAFKA_TOPIC_LENGTH = 249;

    private final EventTypeCatalogue catalogue;
    private final SchemaCompiler compiler;
    private final Deprecations deprecations;
    private final Vertx vertx;
    private final String topicPrefix;
    private final int schemaBytes;

    public EventTypeRegistry(EventTypeCatalogue catalogue, SchemaCompiler compiler, Deprecations deprecations, Vertx vertx,
                             EventsConfig config) {
        this.catalogue = catalogue;
        this.compiler = compiler;
        this.deprecations = deprecations;
        this.vertx = vertx;
        this.topicPrefix = config.kafka().topicPrefix();
        this.schemaBytes = config.limits().schemaBytes();
    }

    /** Version 1 of a new type: 409 if it exists or is reserved, 400 if the name or the schema is invalid, 413 if too large. */
    Uni<EventTypeView> register(String eventType, String description, Object schema) {
        List<Problem.FieldError> nameErrors = nameErrors(eventType, topicPrefix);
        if (!nameErrors.isEmpty()) {
            throw new InvalidRequest(nameErrors);
        }
        refuseReserved(eventType);
        return checked(schema).chain(text -> catalogue.register(eventType, description == null ? "" : description, text));
    }

    Uni<EventTypeView> addVersion(String eventType, Object schema) {
        refuseReserved(eventType);
        return checked(schema).chain(text -> catalogue.addVersion(eventType, text));
    }

    /** Why {@code eventType} cannot be registered: its shape, its length, or the Kafka topic of its resource part. */
    static List<Problem.FieldError> nameErrors(String eventType, String topicPrefix) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (!EventType.isValid(eventType)) {
            errors.add(new Problem.FieldError("eventType", "must look like resource.action, lower case: [a-z][a-z0-9_]*(.[a-z][a-z0-9_]*)+"));
        } else if (eventType.length() > NAME_LENGTH) {
            errors.add(new Problem.FieldError("eventType", "must be at most " + NAME_LENGTH + " characters"));
        } else if (topicPrefix.length() + EventType.resource(eventType).length() > KAFKA_TOPIC_LENGTH) {
            errors.add(new Problem.FieldError("eventType", "its resource part (before the first dot) must be at most "
                    + (KAFKA_TOPIC_LENGTH - topicPrefix.length()) + " characters: with the topic prefix '" + topicPrefix
                    + "' it names a Kafka topic, at most " + KAFKA_TOPIC_LENGTH + " characters"));
        }
        return errors;
    }

    Uni<EventTypeView> deprecate(String eventType, int version) {
        refuseReserved(eventType);
        return catalogue.deprecate(eventType, version).invoke(() -> deprecations.forget(eventType, version));
    }

    public Uni<List<EventTypeView>> list(String after, int limit) {
        return catalogue.list(after, limit);
    }

    public Uni<String> schema(String eventType, int version) {
        return catalogue.find(eventType).chain(() -> catalogue.schema(eventType, version))
                .onFailure(UnknownEventType.class).transform(e -> new ResourceNotFound("Schema of " + eventType + " version", version));
    }

    /**
     * The schema's text once it is within {@code events.limits.schema-bytes}, passed the draft 2020-12
     * meta-schema, and each of its patterns compiled and passed its probes. The checks take up to
     * {@link SchemaPatterns#CHECK_BUDGET}, so they run on a worker thread.
     */
    private Uni<String> checked(Object schema) {
        String text = schema instanceof JsonObject object ? object.encode() : null;
        if (text != null && text.getBytes(StandardCharsets.UTF_8).length > schemaBytes) {
            throw new ContentTooLarge("The schema is larger than " + schemaBytes + " bytes (events.limits.schema-bytes).");
        }
        return vertx.executeBlocking(() -> {
            List<Problem.FieldError> errors = compiler.check(schema);
            if (errors.isEmpty()) {
                errors = SchemaPatterns.check((JsonObject) schema);
            }
            if (!errors.isEmpty()) {
                throw new InvalidRequest(errors);
            }
            return text;
        }, false);
    }

    private static void refuseReserved(String eventType) {
        if (BuiltInEventType.isReserved(eventType)) {
            throw new Conflict("Event types under " + String.join(", ", BuiltInEventType.RESERVED_PREFIXES)
                    + " are built in and read-only.");
        }
    }
}

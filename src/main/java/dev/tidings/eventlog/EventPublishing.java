package dev.tidings.eventlog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tidings.event.EventEnvelope;
import dev.tidings.event.EventType;
import dev.tidings.outbox.EventDraft;
import dev.tidings.outbox.Outbox;
import dev.tidings.problem.Conflict;
import dev.tidings.problem.InvalidRequest;
import dev.tidings.schema.BuiltInEventTypes;
import dev.tidings.schema.EventTypeRegistry;
import dev.tidings.schema.UnknownEventType;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Publishes custom events of registered types through the same outbox as the built-in ones: validated
 * against the schema of the requested (default: latest) version, then relayed, logged, delivered and
 * streamed like every other event.
 */
@ApplicationScoped
public class EventPublishing {

    private static final Pattern SUBJECT = Pattern.compile("[a-z][a-z0-9_]*/[^\\s]+");

    private final EventTypeRegistry registry;
    private final Outbox outbox;
    private final Pool pool;

    public EventPublishing(EventTypeRegistry registry, Outbox outbox, Pool pool) {
        this.registry = registry;
        this.outbox = outbox;
        this.pool = pool;
    }

    @RegisterForReflection
    public record PublishEvent(String eventType, Integer version, String subject, JsonNode data) {
    }

    /** The published envelope, and when its version was deprecated if it was. */
    public record Published(EventEnvelope envelope, Optional<Instant> deprecatedAt) {
    }

    public Uni<Published> publish(PublishEvent request) {
        if (request.eventType() == null || !EventType.isValid(request.eventType())) {
            throw new UnknownEventType("eventType must name a registered event type such as invoice.paid.");
        }
        if (BuiltInEventTypes.isReserved(request.eventType())) {
            throw new Conflict("Built-in events (order.*, webhook.*) are emitted by the service only.");
        }
        if (request.subject() == null || request.subject().length() > 255 || !SUBJECT.matcher(request.subject()).matches()) {
            throw new InvalidRequest("subject", "must be resource/id, such as invoice/42");
        }
        if (request.data() == null || request.data().isNull()) {
            throw new InvalidRequest("data", "is required");
        }
        if (request.version() != null && request.version() < 1) {
            throw new InvalidRequest("version", "must be a positive integer");
        }
        Uni<Integer> version = request.version() != null
                ? Uni.createFrom().item(request.version())
                : registry.latestVersion(request.eventType());
        return version.chain(v -> pool.withTransaction(c -> outbox.append(c,
                        new EventDraft(request.eventType(), v, request.subject(), request.data())))
                .chain(envelope -> registry.deprecatedAt(envelope.eventType(), envelope.version())
                        .map(deprecated -> new Published(envelope, deprecated))));
    }
}

package dev.tidings.eventlog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tidings.event.BuiltInEventType;
import dev.tidings.event.EventEnvelope;
import dev.tidings.event.EventType;
import dev.tidings.outbox.EventDraft;
import dev.tidings.outbox.Outbox;
import dev.tidings.problem.Conflict;
import dev.tidings.problem.InvalidRequest;
import dev.tidings.schema.Deprecations;
import dev.tidings.schema.EventTypeCatalogue;
import dev.tidings.schema.UnknownEventType;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
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

    private final EventTypeCatalogue catalogue;
    private final Deprecations deprecations;
    private final Outbox outbox;

    public EventPublishing(EventTypeCatalogue catalogue, Deprecations deprecations, Outbox outbox) {
        this.catalogue = catalogue;
        this.deprecations = deprecations;
        this.outbox = outbox;
    }

    @RegisterForReflection
    public record PublishEvent(String eventType, Integer version, String subject, JsonNode data) {
    }

    /** The published envelope, and when its version was deprecated if it was. */
    public record Published(EventEnvelope envelope, Optional<Instant> deprecatedAt) {
    }

    @WithTransaction
    public Uni<Published> publish(PublishEvent request) {
        if (request.eventType() == null || !EventType.isValid(request.eventType())) {
            throw new UnknownEventType("eventType must name a registered event type such as invoice.paid.");
        }
        if (BuiltInEventType.isReserved(request.eventType())) {
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
                : catalogue.latestVersion(request.eventType());
        return version.chain(v -> outbox.append(new EventDraft(request.eventType(), v, request.subject(), request.data())))
                .chain(envelope -> deprecations.deprecatedAt(envelope.eventType(), envelope.version())
                        .map(deprecated -> new Published(envelope, deprecated)));
    }
}

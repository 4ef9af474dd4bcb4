package dev.tidings.eventlog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tidings.config.EventsConfig;
import dev.tidings.event.BuiltInEventType;
import dev.tidings.event.EventEnvelope;
import dev.tidings.event.EventType;
import dev.tidings.outbox.EventDraft;
import dev.tidings.outbox.Outbox;
import dev.tidings.problem.Conflict;
import dev.tidings.problem.ContentTooLarge;
import dev.tidings.problem.InvalidRequest;
import dev.tidings.schema.Deprecations;
import dev.tidings.schema.EventTypeCatalogue;
import dev.tidings.schema.UnknownEventType;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Publishes custom events of registered types through the same outbox as the built-in ones: validated
 * against the schema of the requested (default: latest) version, then relayed, logged, delivered and
 * streamed like every other event. Whatever it accepts can be published: the data is within
 * {@code events.limits.event-bytes} and the subject fits its column and the Kafka key. The data is
 * validated off the event loop before the transaction that appends it opens.
 */
@ApplicationScoped
public class EventPublishing {

    /** resource/id; the id is checked character by character ({@link #isSubjectCharacter}). */
    private static final Pattern SUBJECT = Pattern.compile("[a-z][a-z0-9_]*/.+");
    /** The outbox.subject column. */
    static final int SUBJECT_LENGTH = 255;

    private final EventTypeCatalogue catalogue;
    private final Deprecations deprecations;
    private final Outbox outbox;
    private final int eventBytes;

    public EventPublishing(EventTypeCatalogue catalogue, Deprecations deprecations, Outbox outbox, EventsConfig config) {
        this.catalogue = catalogue;
        this.deprecations = deprecations;
        this.outbox = outbox;
        this.eventBytes = config.limits().eventBytes();
    }

    @RegisterForReflection
    public record PublishEvent(String eventType, Integer version, String subject, JsonNode data) {
    }

    /** The published envelope, and when its version was deprecated if it was. */
    public record Published(EventEnvelope envelope, Optional<Instant> deprecatedAt) {
    }

    /** Checks, then validates (off the event loop), then appends in one transaction of its own. */
    public Uni<Published> publish(UUID owner, PublishEvent request) {
        if (request.eventType() == null || !EventType.isValid(request.eventType())) {
            throw new UnknownEventType("eventType must name a registered event type such as invoice.paid.");
        }
        if (BuiltInEventType.isReserved(request.eventType())) {
            throw new Conflict("Built-in events (order.*, webhook.*) are emitted by the service only.");
        }
        if (!isValidSubject(request.subject())) {
            throw new InvalidRequest("subject", "must be resource/id, such as invoice/42, at most " + SUBJECT_LENGTH
                    + " characters, without whitespace or control characters");
        }
        if (request.data() == null || request.data().isNull()) {
            throw new InvalidRequest("data", "is required");
        }
        if (request.data().toString().getBytes(StandardCharsets.UTF_8).length > eventBytes) {
            throw new ContentTooLarge("The event's data is larger than " + eventBytes + " bytes (events.limits.event-bytes).");
        }
        if (request.version() != null && request.version() < 1) {
            throw new InvalidRequest("version", "must be a positive integer");
        }
        Uni<Integer> version = request.version() != null
                ? Uni.createFrom().item(request.version())
                : catalogue.latestVersion(request.eventType());
        return version.chain(v -> outbox.validate(new EventDraft(request.eventType(), v, request.subject(), request.data(), owner)))
                // the transaction opens only now: @WithTransaction on publish would hold it while the schema is evaluated
                .chain(validated -> Panache.withTransaction(() -> outbox.append(validated)))
                .chain(envelope -> deprecations.deprecatedAt(envelope.eventType(), envelope.version())
                        .map(deprecated -> new Published(envelope, deprecated)));
    }

    /** resource/id within the column, and nothing a log line, a header or a Kafka key would mangle. */
    static boolean isValidSubject(String subject) {
        if (subject == null || subject.length() > SUBJECT_LENGTH || !SUBJECT.matcher(subject).matches()) {
            return false;
        }
        for (int i = 0; i < subject.length(); i++) {
            char c = subject.charAt(i);
            boolean pairedSurrogate = Character.isHighSurrogate(c) && i + 1 < subject.length()
                    && Character.isLowSurrogate(subject.charAt(i + 1));
            if (pairedSurrogate) {
                i++;
            } else if (!isSubjectCharacter(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSubjectCharacter(char c) {
        return !Character.isISOControl(c) && !Character.isWhitespace(c) && !Character.isSpaceChar(c)
                && !Character.isSurrogate(c) && Character.getType(c) != Character.FORMAT;
    }
}

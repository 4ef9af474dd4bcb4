package dev.tidings.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.config.EventsConfig;
import dev.tidings.event.EventEnvelope;
import dev.tidings.event.TimeOrderedIds;
import dev.tidings.event.Timestamps;
import dev.tidings.schema.EventTypeRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Appends events to the outbox inside the caller's transaction, a Hibernate Reactive one or a reactive
 * SQL client one. It never opens or commits a transaction itself: the event becomes visible exactly
 * when the caller's state change commits.
 *
 * <p>Every event is validated against the registered schema of its type and version first. Per-subject
 * commit order is kept by the outbox table itself (migration V4): its insert trigger locks the subject
 * until commit before drawing the row's id, so the relay, publishing in id order, keeps that order.
 */
@ApplicationScoped
public class Outbox {

    private static final String INSERT = """
            insert into outbox (event_id, event_type, version, source, subject, occurred_at, envelope)
            values ($1, $2, $3, $4, $5, $6, $7)""";

    private final ObjectMapper json;
    private final EventTypeRegistry registry;
    private final String source;

    public Outbox(ObjectMapper json, EventTypeRegistry registry, EventsConfig config) {
        this.json = json;
        this.registry = registry;
        this.source = config.source();
    }

    /** Joins the current Hibernate Reactive transaction. */
    public Uni<EventEnvelope> append(EventDraft draft) {
        EventEnvelope envelope = envelope(draft);
        OutboxEvent row = row(envelope);
        return validate(draft).chain(() -> row.persist()).replaceWith(envelope);
    }

    /** Joins the transaction open on {@code connection}. */
    public Uni<EventEnvelope> append(SqlConnection connection, EventDraft draft) {
        EventEnvelope envelope = envelope(draft);
        OutboxEvent row = row(envelope);
        return validate(draft)
                .chain(() -> connection.preparedQuery(INSERT).execute(Tuple.tuple()
                        .addUUID(row.eventId).addString(row.eventType).addInteger(row.version).addString(row.source)
                        .addString(row.subject).addOffsetDateTime(row.occurredAt.atOffset(ZoneOffset.UTC))
                        .addString(row.envelope)))
                .replaceWith(envelope);
    }

    /** Nothing enters the outbox that its schema refuses: a bug that produces invalid data fails here, loudly. */
    private Uni<Void> validate(EventDraft draft) {
        return registry.validate(draft.eventType(), draft.version(), draft.data().toString());
    }

    /** A new envelope for the draft: fresh id, the time now, this service as source. */
    public EventEnvelope envelope(EventDraft draft) {
        return new EventEnvelope(TimeOrderedIds.next(), draft.eventType(), draft.version(),
                Timestamps.format(Timestamps.now()), source, draft.subject(), draft.data());
    }

    private OutboxEvent row(EventEnvelope envelope) {
        OutboxEvent row = new OutboxEvent();
        row.eventId = envelope.eventId();
        row.eventType = envelope.eventType();
        row.version = envelope.version();
        row.source = envelope.source();
        row.subject = envelope.subject();
        row.occurredAt = Instant.parse(envelope.timestamp());
        row.envelope = serialize(envelope);
        return row;
    }

    public String serialize(EventEnvelope envelope) {
        try {
            return json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Event " + envelope.eventType() + " cannot be serialised", e);
        }
    }
}

package dev.tidings.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.config.EventsConfig;
import dev.tidings.event.EventEnvelope;
import dev.tidings.event.TimeOrderedIds;
import dev.tidings.event.Timestamps;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/**
 * Appends events to the outbox inside the caller's transaction. It never opens or commits a
 * transaction itself: the event becomes visible exactly when the caller's state change commits.
 */
@ApplicationScoped
public class Outbox {

    private final ObjectMapper json;
    private final String source;

    public Outbox(ObjectMapper json, EventsConfig config) {
        this.json = json;
        this.source = config.source();
    }

    public Uni<EventEnvelope> append(EventDraft draft) {
        Instant now = Timestamps.now();
        EventEnvelope envelope = new EventEnvelope(TimeOrderedIds.next(), draft.eventType(), draft.version(),
                Timestamps.format(now), source, draft.subject(), draft.data());
        OutboxEvent row = new OutboxEvent();
        row.eventId = envelope.eventId();
        row.eventType = envelope.eventType();
        row.version = envelope.version();
        row.source = envelope.source();
        row.subject = envelope.subject();
        row.occurredAt = now;
        row.envelope = serialize(envelope);
        return lockSubject(draft.subject()).chain(() -> row.persist()).replaceWith(envelope);
    }

    /**
     * Serialises writers of one subject until commit, so the identity ids of a subject's rows follow
     * commit order and the relay publishes them to Kafka in that order.
     */
    private static Uni<Void> lockSubject(String subject) {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery("select 1 from pg_advisory_xact_lock(hashtext(:subject))")
                        .setParameter("subject", subject)
                        .getSingleResult())
                .replaceWithVoid();
    }

    private String serialize(EventEnvelope envelope) {
        try {
            return json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Event " + envelope.eventType() + " cannot be serialised", e);
        }
    }
}

package dev.tidings.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.config.EventsConfig;
import dev.tidings.event.BuiltInEventType;
import dev.tidings.event.EventEnvelope;
import dev.tidings.event.TimeOrderedIds;
import dev.tidings.event.Timestamps;
import dev.tidings.schema.SchemaValidation;
import dev.tidings.tracing.TraceContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.reactive.mutiny.impl.MutinySessionImpl;
import org.hibernate.reactive.mutiny.impl.MutinyStatelessSessionImpl;
import org.hibernate.reactive.pool.ReactiveConnection;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Appends events to the outbox inside the caller's transaction, with one INSERT whoever calls:
 * {@link #append(EventDraft)} inside a Hibernate Reactive transaction ({@code @WithTransaction}),
 * {@link #append(Mutiny.StatelessSession, EventDraft)} inside a stateless session's one,
 * {@link #append(SqlConnection, EventDraft)} inside a reactive SQL client one. It never opens or
 * commits a transaction itself: the event becomes visible exactly when the caller's state change commits.
 *
 * <p>Every event is validated against the registered schema of its type and version. A built-in event
 * (its schema ships with the service) is validated here, inside the transaction; a custom one, whose
 * schema a client wrote, must come as a {@link ValidatedDraft}: {@link #validate(EventDraft)} checks it
 * off the event loop, in bounded time, before the caller opens its transaction. Per-subject
 * commit order is kept by the outbox table itself (migration V4): its insert trigger locks the subject
 * until commit before drawing the row's id, so the relay, publishing in id order, keeps that order.
 * The event keeps the trace context of the span current when it is appended (the request's), so the
 * relay and the webhook attempts continue that trace (CONTRACT §13).
 */
@ApplicationScoped
public class Outbox {

    private static final String INSERT = """
            insert into outbox (event_id, event_type, version, source, subject, occurred_at, envelope, account_id,
                                traceparent, tracestate)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""";

    private final ObjectMapper json;
    private final SchemaValidation validation;
    private final String source;
    private final boolean validateBuiltIn;

    public Outbox(ObjectMapper json, SchemaValidation validation, EventsConfig config) {
        this.json = json;
        this.validation = validation;
        this.source = config.source();
        this.validateBuiltIn = config.outbox().validateBuiltInEvents();
    }

    /**
     * Validates a draft on a worker thread, in bounded time; call it before opening the transaction that
     * appends it. Fails with the schema's violations (422) as the validation reports them.
     */
    public Uni<ValidatedDraft> validate(EventDraft draft) {
        return validation.validateOffTheEventLoop(draft.eventType(), draft.version(), draft.data().toString())
                .replaceWith(() -> new ValidatedDraft(draft));
    }

    /**
     * Joins the current Hibernate Reactive transaction: the INSERT runs on the connection that
     * transaction holds, so it commits or rolls back with the entities of the session. Built-in types only.
     */
    public Uni<EventEnvelope> append(EventDraft draft) {
        return validatedBuiltIn(draft).chain(() -> insertInSession(draft));
    }

    /** Joins the current Hibernate Reactive transaction with a draft validated before it. */
    public Uni<EventEnvelope> append(ValidatedDraft validated) {
        return insertInSession(validated.draft());
    }

    /** Joins the transaction of a Hibernate Reactive stateless session. Built-in types only. */
    public Uni<EventEnvelope> append(Mutiny.StatelessSession session, EventDraft draft) {
        ReactiveConnection connection = ((MutinyStatelessSessionImpl) session).getReactiveConnection();
        return validatedBuiltIn(draft).chain(() -> insert(draft,
                values -> Uni.createFrom().completionStage(() -> connection.update(INSERT, values))));
    }

    /** Joins the transaction open on {@code connection}. Built-in types only. */
    public Uni<EventEnvelope> append(SqlConnection connection, EventDraft draft) {
        return validatedBuiltIn(draft).chain(() -> insert(draft,
                values -> connection.preparedQuery(INSERT).execute(Tuple.from(Arrays.asList(values)))));
    }

    /**
     * With {@code events.outbox.validate-built-in-events} (dev mode, the tests), nothing enters the outbox that
     * its schema refuses: a bug that produces invalid data fails here, loudly. Only the service's own schemas
     * are evaluated inside a transaction; a client's schema never is.
     */
    private Uni<Void> validatedBuiltIn(EventDraft draft) {
        if (BuiltInEventType.of(draft.eventType()).isEmpty()) {
            return Uni.createFrom().failure(new IllegalStateException("Event type " + draft.eventType()
                    + " is not built in: validate(draft) before the transaction, then append the ValidatedDraft"));
        }
        return validateBuiltIn ? validation.validate(draft.eventType(), draft.version(), draft.data().toString())
                : Uni.createFrom().voidItem();
    }

    private Uni<EventEnvelope> insertInSession(EventDraft draft) {
        return Panache.getSession().chain(session -> {
            ReactiveConnection connection = ((MutinySessionImpl) session).getReactiveConnection();
            return insert(draft, values -> Uni.createFrom().completionStage(() -> connection.update(INSERT, values)));
        });
    }

    private Uni<EventEnvelope> insert(EventDraft draft, Function<Object[], Uni<?>> insert) {
        Instant now = Timestamps.now();
        EventEnvelope envelope = envelope(draft, now);
        TraceContext trace = TraceContext.current();
        Object[] values = {envelope.eventId(), envelope.eventType(), envelope.version(), envelope.source(), envelope.subject(),
                now.atOffset(ZoneOffset.UTC), serialize(envelope), draft.account(),
                trace == null ? null : trace.traceparent(), trace == null ? null : trace.tracestate()};
        return insert.apply(values).replaceWith(envelope);
    }

    /** A new envelope for the draft: fresh id, the time now, this service as source. */
    public EventEnvelope envelope(EventDraft draft) {
        return envelope(draft, Timestamps.now());
    }

    private EventEnvelope envelope(EventDraft draft, Instant now) {
        return new EventEnvelope(TimeOrderedIds.next(), draft.eventType(), draft.version(), Timestamps.format(now), source,
                draft.subject(), draft.data());
    }

    public String serialize(EventEnvelope envelope) {
        try {
            return json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Event " + envelope.eventType() + " cannot be serialised", e);
        }
    }
}

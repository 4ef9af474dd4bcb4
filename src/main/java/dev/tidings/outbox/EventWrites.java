package dev.tidings.outbox;

import dev.tidings.relay.OutboxRelay;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Runs the API's writes that append events (orders, {@code POST /events}).
 *
 * <p>A write runs to its end once started. A client that goes away cancels its request's Uni; cancelled
 * inside a Hibernate Reactive transaction, the session would be closed with the transaction still open
 * (HR000090, and an exception Mutiny can only drop). Subscribed to on its own, the write commits or rolls
 * back as if the client had waited; only its answer goes nowhere.
 *
 * <p>Once a write committed, the relay is told ({@link OutboxRelay#eventsCommitted}), outside the transaction: a
 * NOTIFY inside it would make the commits of all event writes take turns (PostgreSQL holds a database-wide
 * lock through the commit of a transaction that notified, its WAL flush included).
 */
@ApplicationScoped
public class EventWrites {

    @Inject
    OutboxRelay relay;

    /** Runs {@code write} (a transaction that appends events) to its end; once it committed, the relay is told. */
    public <T> Uni<T> run(Uni<T> write) {
        Uni<T> told = write.invoke(ignored -> relay.eventsCommitted());
        return Uni.createFrom().emitter(answer -> told.subscribe().with(answer::complete, answer::fail));
    }
}

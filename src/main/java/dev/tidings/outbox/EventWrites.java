package dev.tidings.outbox;

import dev.tidings.background.BackgroundLoop;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Runs the API's writes that append events (orders, {@code POST /events}).
 *
 * <p>A write runs to its end once started. A client that goes away cancels its request's Uni; cancelled
 * inside a Hibernate Reactive transaction, the session would be closed with the transaction still open
 * (HR000090, and an exception Mutiny can only drop). Subscribed to on its own, the write commits or rolls
 * back as if the client had waited; only its answer goes nowhere.
 *
 * <p>Once a write committed, the relays of every replica are told ({@link #APPENDED_CHANNEL}) by a NOTIFY in a
 * statement of its own. PostgreSQL makes the commits of transactions that NOTIFY take turns (a database-wide
 * lock held through the commit, its WAL flush included), so a NOTIFY inside each write would serialise every
 * event-writing commit. Signals coalesce: while one is on its way, any number of others make one more. Events
 * appended elsewhere (a subscription's deactivation) are found by the relay's poll.
 */
@ApplicationScoped
public class EventWrites {

    private static final Logger LOG = Logger.getLogger(EventWrites.class);

    /** The relays LISTEN here. */
    public static final String APPENDED_CHANNEL = "outbox_appended";
    private static final String NOTIFY = "select pg_notify('" + APPENDED_CHANNEL + "', '')";

    private final BackgroundLoop signal;

    public EventWrites(Pool pool) {
        this.signal = new BackgroundLoop("Outbox signal", () -> pool.query(NOTIFY).execute().replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    // the relays' poll finds the events; under a flood that fills the pool's queue this would repeat
                    LOG.debugf("Relays not notified, their poll will find the events: %s", failure);
                    return null;
                }));
    }

    /** Runs {@code write} (a transaction that appends events) to its end; once it committed, the relays are told. */
    public <T> Uni<T> run(Uni<T> write) {
        Uni<T> signalled = write.invoke(ignored -> signal.wake());
        return Uni.createFrom().emitter(answer -> signalled.subscribe().with(answer::complete, answer::fail));
    }
}

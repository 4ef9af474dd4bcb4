package dev.tidings.relay;

import dev.tidings.background.BackgroundLoop;
import dev.tidings.background.PgNotifications;
import dev.tidings.config.EventsConfig;
import dev.tidings.event.Timestamps;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves committed outbox rows to Kafka, at least once, and makes them visible in the event log.
 *
 * <p>Each batch is one transaction: lock the relay cursor row (other replicas skip while it is held),
 * claim the oldest unpublished rows, publish them and wait for Kafka's acknowledgements, then give them
 * consecutive sequences and commit. Because the cursor lock is held until commit, no batch can commit a
 * smaller sequence after a larger one became visible. If the process dies before the commit, the
 * lock and claims vanish with its connection and the rows are published again (consumers deduplicate
 * on eventId).
 *
 * <p>It is woken at once when an outbox insert commits (the outbox's insert trigger sends a PostgreSQL
 * NOTIFY, from any replica) and every {@code events.outbox.poll-interval} as a fallback.
 */
@ApplicationScoped
public class OutboxRelay {

    /** Tells SSE streams and other listeners that the log grew; the payload is the last sequence. */
    public static final String PUBLISHED_CHANNEL = "events_published";
    /** Raised by the outbox's insert trigger (see the migrations). */
    static final String APPENDED_CHANNEL = "outbox_appended";
    /** A batch waits at most for Kafka's acknowledgements; well inside quarkus.shutdown.timeout. */
    private static final Duration SHUTDOWN_PATIENCE = Duration.ofSeconds(10);

    private static final String LOCK_CURSOR = "select last_sequence from relay_cursor where id = 1 for update skip locked";
    private static final String CLAIM = """
            select id, event_id, event_type, subject, source, occurred_at, envelope from outbox
            where sequence is null order by id limit $1 for update skip locked""";
    private static final String ASSIGN_SEQUENCES = """
            update outbox o set sequence = $2 + t.ordinality, published_at = now()
            from unnest($1::bigint[]) with ordinality as t(id, ordinality) where o.id = t.id""";
    private static final String ADVANCE_CURSOR = "update relay_cursor set last_sequence = $1 where id = 1";
    private static final String BACKLOG = "select count(*) as rows, min(occurred_at) as oldest from outbox where sequence is null";

    private final Pool pool;
    private final KafkaPublisher publisher;
    private final RelayMetrics metrics;
    private final PgNotifications notifications;
    private final int batchSize;
    private final Duration pollInterval;
    private final BackgroundLoop loop = new BackgroundLoop("Outbox relay", () -> drainUntilEmpty().chain(this::measureBacklog));

    public OutboxRelay(Pool pool, KafkaPublisher publisher, RelayMetrics metrics, PgNotifications notifications,
                       EventsConfig config) {
        this.pool = pool;
        this.publisher = publisher;
        this.metrics = metrics;
        this.notifications = notifications;
        this.batchSize = config.outbox().batchSize();
        this.pollInterval = config.outbox().pollInterval();
    }

    void start(@Observes StartupEvent startup) {
        notifications.listen(APPENDED_CHANNEL, loop::wake);
        loop.start(pollInterval);
    }

    /** On SIGTERM: let the batch in flight commit, so another replica does not publish it again. */
    void stop(@Observes ShutdownEvent shutdown) {
        loop.stop(SHUTDOWN_PATIENCE);
    }

    private Uni<Void> drainUntilEmpty() {
        return relayBatch().chain(published -> published == batchSize ? drainUntilEmpty() : Uni.createFrom().voidItem());
    }

    /** Publishes one batch; answers how many rows it published (0 when idle or another replica relays). */
    Uni<Integer> relayBatch() {
        return pool.withTransaction(connection -> connection.query(LOCK_CURSOR).execute().chain(cursor -> {
            if (!cursor.iterator().hasNext()) {
                return Uni.createFrom().item(0);
            }
            long lastSequence = cursor.iterator().next().getLong(0);
            return claim(connection).chain(events -> events.isEmpty()
                    ? Uni.createFrom().item(0)
                    : publisher.publish(events)
                            .invoke(() -> metrics.published(events, Instant.now()))
                            .chain(() -> makeVisible(connection, events, lastSequence))
                            .replaceWith(events.size()));
        }));
    }

    private Uni<List<PendingEvent>> claim(SqlConnection connection) {
        return connection.preparedQuery(CLAIM).execute(Tuple.of(batchSize)).map(OutboxRelay::pendingEvents);
    }

    private static Uni<Void> makeVisible(SqlConnection connection, List<PendingEvent> events, long lastSequence) {
        Long[] ids = events.stream().map(PendingEvent::id).toArray(Long[]::new);
        long newLast = lastSequence + events.size();
        return connection.preparedQuery(ASSIGN_SEQUENCES).execute(Tuple.of(ids, lastSequence))
                .chain(() -> connection.preparedQuery(ADVANCE_CURSOR).execute(Tuple.of(newLast)))
                .chain(() -> connection.preparedQuery("select pg_notify($1, $2)")
                        .execute(Tuple.of(PUBLISHED_CHANNEL, Long.toString(newLast))))
                .replaceWithVoid();
    }

    private Uni<Void> measureBacklog() {
        return pool.query(BACKLOG).execute().invoke(rows -> {
            Row row = rows.iterator().next();
            OffsetDateTime oldest = row.getOffsetDateTime("oldest");
            metrics.backlog(row.getLong("rows"), oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), Instant.now()));
        }).replaceWithVoid();
    }

    private static List<PendingEvent> pendingEvents(RowSet<Row> rows) {
        List<PendingEvent> events = new ArrayList<>(rows.size());
        for (Row row : rows) {
            Instant occurredAt = row.getOffsetDateTime("occurred_at").toInstant();
            events.add(new PendingEvent(row.getLong("id"), row.getUUID("event_id").toString(), row.getString("event_type"),
                    row.getString("subject"), occurredAt, Timestamps.format(occurredAt), row.getString("source"),
                    row.getString("envelope")));
        }
        return events;
    }
}

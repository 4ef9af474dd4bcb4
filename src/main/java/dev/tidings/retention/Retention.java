package dev.tidings.retention;

import dev.tidings.background.BackgroundLoop;
import dev.tidings.config.EventsConfig;
import dev.tidings.webhook.DeliveryStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps storage bounded (CONTRACT §12), every {@code events.retention.interval} on every instance, in
 * batches of {@code events.retention.batch-size} rows, each its own short statement:
 * <ol>
 *   <li>raises the log's floor past the events older than {@code events.retention.events}, walking up
 *   by sequence, so the log stays one unbroken run (a published event is never skipped, an unpublished
 *   one has no sequence and is never reached);</li>
 *   <li>removes the events below the floor that no pending delivery and no dead letter needs (those stay,
 *   readable by id, until their deliveries are done);</li>
 *   <li>removes dead letters (by {@code deadAt}), finished deliveries and attempts older than
 *   {@code events.retention.deliveries}, never an attempt of a delivery still pending.</li>
 * </ol>
 * Instances running at once do no harm: the floor only rises, and each removal is idempotent.
 */
@ApplicationScoped
public class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);
    /** Events examined per step when raising the floor. */
    private static final int FLOOR_STEP = 10_000;
    private static final List<String> TABLES = List.of("outbox", "webhook_delivery", "webhook_attempt", "dead_letter");

    private static final String FLOOR = "select oldest_sequence from log_floor where id = 1";
    /** $1 floor, $2 step, $3 cutoff: the first sequence of the step not older than the cutoff, else the step's end + 1. */
    private static final String NEXT_FLOOR = """
            with step as (select sequence, occurred_at from outbox where sequence >= $1 order by sequence limit $2)
            select coalesce((select min(sequence) from step where occurred_at >= $3), (select max(sequence) + 1 from step), $1)""";
    private static final String RAISE_FLOOR = """
            update log_floor set oldest_sequence = greatest(oldest_sequence, $1) where id = 1 returning oldest_sequence""";
    /** $1 floor, $2 pending, $3 batch. */
    private static final String REMOVE_EVENTS = """
            delete from outbox where id in (
              select o.id from outbox o where o.sequence < $1
                and not exists (select 1 from webhook_delivery d where d.event_id = o.event_id and d.status = $2)
                and not exists (select 1 from dead_letter l where l.event_id = o.event_id)
              order by o.sequence limit $3)""";
    /** Deleting the parked delivery takes its dead letter with it (foreign key, on delete cascade). $1 cutoff, $2 batch. */
    private static final String REMOVE_DEAD_LETTERS = """
            delete from webhook_delivery where id in (select id from dead_letter where dead_at < $1 limit $2)""";
    /** $1 succeeded, $2 cutoff, $3 batch. */
    private static final String REMOVE_DELIVERED = """
            delete from webhook_delivery where id in (
              select id from webhook_delivery where status = $1 and created_at < $2 limit $3)""";
    /** $1 cutoff, $2 pending, $3 batch. */
    private static final String REMOVE_ATTEMPTS = """
            delete from webhook_attempt where id in (
              select a.id from webhook_attempt a where a.attempted_at < $1
                and not exists (select 1 from webhook_delivery d where d.id = a.delivery_id and d.status = $2)
              limit $3)""";
    private static final String TABLE_SIZES = "select relname, pg_total_relation_size(oid) as bytes from pg_class where relname = any($1)";

    @Inject
    Pool pool;
    @Inject
    EventsConfig config;
    @Inject
    LogFloor floor;
    @Inject
    MeterRegistry registry;

    private final BackgroundLoop loop = new BackgroundLoop("Retention", this::removeExpired);
    private final Map<String, AtomicLong> tableBytes = new ConcurrentHashMap<>();

    void start(@Observes StartupEvent startup) {
        TABLES.forEach(table -> registry.gauge("events.table.bytes", Tags.of("table", table),
                tableBytes.computeIfAbsent(table, t -> new AtomicLong())));
        loop.start(config.retention().interval());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        loop.stop(Duration.ZERO);
    }

    /** One pass; a failure (the database away) is logged by the loop and the next pass tries again. */
    Uni<Void> removeExpired() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime eventsCutoff = now.minus(config.retention().events());
        OffsetDateTime deliveriesCutoff = now.minus(config.retention().deliveries());
        String pending = DeliveryStatus.PENDING.wireName();
        int batch = config.retention().batchSize();
        return raiseFloor(eventsCutoff)
                .chain(oldest -> repeat("events", REMOVE_EVENTS, Tuple.of(oldest, pending, batch), batch))
                .chain(() -> repeat("dead_letters", REMOVE_DEAD_LETTERS, Tuple.of(deliveriesCutoff, batch), batch))
                .chain(() -> repeat("deliveries", REMOVE_DELIVERED,
                        Tuple.of(DeliveryStatus.SUCCEEDED.wireName(), deliveriesCutoff, batch), batch))
                .chain(() -> repeat("attempts", REMOVE_ATTEMPTS, Tuple.of(deliveriesCutoff, pending, batch), batch))
                .chain(this::measureTables);
    }

    /** Raises the floor step by step past the expired events; answers the floor. */
    private Uni<Long> raiseFloor(OffsetDateTime cutoff) {
        return pool.query(FLOOR).execute().map(rows -> rows.iterator().next().getLong(0))
                .chain(current -> pool.preparedQuery(NEXT_FLOOR).execute(Tuple.of(current, FLOOR_STEP, cutoff))
                        .map(rows -> rows.iterator().next().getLong(0))
                        .chain(next -> next <= current
                                ? Uni.createFrom().item(current)
                                : pool.preparedQuery(RAISE_FLOOR).execute(Tuple.of(next))
                                        .map(rows -> rows.iterator().next().getLong(0))
                                        .invoke(raised -> LOG.debugf("The event log now starts at sequence %d", raised))
                                        .chain(raised -> raiseFloor(cutoff))))
                .invoke(floor::update);
    }

    /** Runs a removal until a batch comes back short, counting what left. */
    private Uni<Void> repeat(String what, String statement, Tuple arguments, int batch) {
        return pool.preparedQuery(statement).execute(arguments).chain(rows -> {
            removed(what).increment(rows.rowCount());
            return rows.rowCount() < batch ? Uni.createFrom().voidItem() : repeat(what, statement, arguments, batch);
        });
    }

    private Counter removed(String what) {
        return Counter.builder("events.retention.removed").description("Rows removed by retention").tag("table", what)
                .register(registry);
    }

    private Uni<Void> measureTables() {
        return pool.preparedQuery(TABLE_SIZES).execute(Tuple.of(TABLES.toArray(String[]::new)))
                .invoke(rows -> rows.forEach(row -> tableBytes.get(row.getString("relname")).set(row.getLong("bytes"))))
                .replaceWithVoid();
    }
}

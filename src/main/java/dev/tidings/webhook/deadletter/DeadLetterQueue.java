package dev.tidings.webhook.deadletter;

import dev.tidings.event.TypeFilter;
import dev.tidings.problem.Conflict;
import dev.tidings.problem.ResourceNotFound;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook dead-letter queue: parks deliveries that will not be attempted again, and replays them
 * with a fresh retry schedule. Every parked delivery is counted, gauged and logged once at WARN.
 */
@ApplicationScoped
public class DeadLetterQueue {

    public static final String RETRIES_EXHAUSTED = "retries_exhausted";
    public static final String SUBSCRIPTION_DISABLED = "subscription_disabled";

    private static final Logger LOG = Logger.getLogger(DeadLetterQueue.class);

    private static final String PARK = """
            with parked as (
              update webhook_delivery set status = 'dead', next_attempt_at = null
              where status = 'pending' and %s
              returning id, webhook_id, event_id, event_type, attempts, last_response_status, last_error)
            insert into dead_letter (id, webhook_id, event_id, event_type, reason, attempts, last_response_status, last_error, dead_at)
            select id, webhook_id, event_id, event_type, $2, attempts, last_response_status, last_error, now() from parked
            returning id, webhook_id, event_id, event_type, reason""";
    /** The last attempt of a parked delivery reads 'dead', with no next attempt. */
    private static final String LAST_ATTEMPT_DEAD = """
            update webhook_attempt set status = 'dead', next_attempt_at = null where id in (
              select distinct on (delivery_id) id from webhook_attempt where delivery_id = any($1)
              order by delivery_id, attempted_at desc, id desc)""";
    private static final String REPLAY = """
            with replayed as (
              delete from dead_letter d using webhook_subscription s
              where s.id = d.webhook_id and s.status = 'active' and %s
              returning d.id)
            update webhook_delivery set status = 'pending', attempts = 0, next_attempt_at = now(),
              last_response_status = null, last_error = null
            where id in (select id from replayed)""";

    /** A delivery just parked. */
    public record Parked(UUID id, UUID webhookId, UUID eventId, String eventType, String reason) {
    }

    private final Pool pool;
    private final Counter parkedTotal;
    private final AtomicLong waiting = new AtomicLong();

    public DeadLetterQueue(Pool pool, MeterRegistry registry) {
        this.pool = pool;
        this.parkedTotal = Counter.builder("events.dead.letters").description("Webhook deliveries ever parked in the dead-letter queue")
                .register(registry);
        registry.gauge("events.dead.letters.waiting", List.of(), waiting);
    }

    /** Parks one delivery if it is still pending; call {@link #announce} after the transaction commits. */
    public Uni<List<Parked>> parkDelivery(SqlConnection connection, UUID deliveryId, String reason) {
        return park(connection, "id = $1", deliveryId, reason);
    }

    /** Parks every pending delivery of a subscription. */
    public Uni<List<Parked>> parkPending(SqlConnection connection, UUID webhookId, String reason) {
        return park(connection, "webhook_id = $1", webhookId, reason);
    }

    private Uni<List<Parked>> park(SqlConnection connection, String condition, UUID id, String reason) {
        return connection.preparedQuery(PARK.formatted(condition)).execute(Tuple.of(id, reason)).chain(rows -> {
            List<Parked> parked = new ArrayList<>(rows.size());
            rows.forEach(row -> parked.add(new Parked(row.getUUID("id"), row.getUUID("webhook_id"), row.getUUID("event_id"),
                    row.getString("event_type"), row.getString("reason"))));
            if (parked.isEmpty()) {
                return Uni.createFrom().item(parked);
            }
            UUID[] ids = parked.stream().map(Parked::id).toArray(UUID[]::new);
            return connection.preparedQuery(LAST_ATTEMPT_DEAD).execute(Tuple.of(ids)).replaceWith(parked);
        });
    }

    /** After commit: count, log and gauge what was parked. */
    public Uni<Void> announce(List<Parked> parked) {
        if (parked.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        parkedTotal.increment(parked.size());
        parked.forEach(p -> LOG.warnf("Dead letter: webhook %s, event %s (%s), reason %s", p.webhookId(), p.eventId(),
                p.eventType(), p.reason()));
        return refreshWaiting();
    }

    /** Other replicas park and replay too: the gauge is re-read from the table regularly. */
    @Scheduled(every = "10s", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public Uni<Void> refreshWaiting() {
        return pool.query("select count(*) from dead_letter").execute()
                .invoke(rows -> waiting.set(rows.iterator().next().getLong(0))).replaceWithVoid();
    }

    Uni<List<DeadLetterView>> list(UUID webhookId, TypeFilter types, UUID after, int limit) {
        List<Object> args = new ArrayList<>();
        String sql = "select * from dead_letter where " + conditions(webhookId, types, args)
                + " and ($" + (args.size() + 1) + "::uuid is null or id > $" + (args.size() + 1) + ")"
                + " order by id limit $" + (args.size() + 2);
        args.add(after);
        args.add(limit);
        return pool.preparedQuery(sql).execute(Tuple.from(args)).map(DeadLetterQueue::views);
    }

    /** Replays one entry: 404 if unknown, 409 while its subscription is disabled. */
    Uni<Void> replay(UUID id) {
        return pool.withTransaction(connection -> connection
                .preparedQuery("select s.status from dead_letter d join webhook_subscription s on s.id = d.webhook_id where d.id = $1")
                .execute(Tuple.of(id))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().failure(new ResourceNotFound("Dead letter", id));
                    }
                    if (!"active".equals(rows.iterator().next().getString("status"))) {
                        return Uni.createFrom().failure(new Conflict("The subscription of dead letter " + id
                                + " is disabled: re-enable it (PATCH status active) before replaying."));
                    }
                    return connection.preparedQuery(REPLAY.formatted("d.id = $1")).execute(Tuple.of(id));
                }))
                .chain(this::refreshWaiting);
    }

    /** Replays every entry matching the filters whose subscription is active; answers how many. */
    Uni<Integer> replayMatching(UUID webhookId, TypeFilter types) {
        List<Object> args = new ArrayList<>();
        String condition = conditions(webhookId, types, args).replace("webhook_id", "d.webhook_id").replace("event_type", "d.event_type");
        return pool.withTransaction(connection -> connection.preparedQuery(REPLAY.formatted(condition)).execute(Tuple.from(args)))
                .map(RowSet::rowCount)
                .call(this::refreshWaiting);
    }

    private static String conditions(UUID webhookId, TypeFilter types, List<Object> args) {
        args.add(webhookId);
        StringBuilder sql = new StringBuilder("($1::uuid is null or webhook_id = $1)");
        if (!types.matchesAll()) {
            args.add(types.exact().toArray(String[]::new));
            args.add(types.likePatterns().toArray(String[]::new));
            sql.append(" and (event_type = any($2) or event_type like any($3))");
        }
        return sql.toString();
    }

    private static List<DeadLetterView> views(RowSet<Row> rows) {
        List<DeadLetterView> views = new ArrayList<>(rows.size());
        rows.forEach(row -> views.add(DeadLetterView.of(row)));
        return views;
    }
}

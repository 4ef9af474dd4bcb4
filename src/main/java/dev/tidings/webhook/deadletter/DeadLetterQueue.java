package dev.tidings.webhook.deadletter;

import dev.tidings.account.Scope;
import dev.tidings.event.TypeFilter;
import dev.tidings.problem.Conflict;
import dev.tidings.problem.ResourceNotFound;
import dev.tidings.webhook.AttemptStatus;
import dev.tidings.webhook.DeadLetterReason;
import dev.tidings.webhook.DeliveryStatus;
import dev.tidings.webhook.SubscriptionStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
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
 * Made at startup, so its series exist from then at zero (an alert sees the first parked delivery as an increase).
 */
@Startup
@ApplicationScoped
public class DeadLetterQueue {

    private static final Logger LOG = Logger.getLogger(DeadLetterQueue.class);
    /** Other replicas park and replay too: how often the gauge is read again from the table. */
    private static final String GAUGE_REFRESH = "10s";

    /** The end of both parking statements: the parked deliveries ($2 the reason) enter the queue. */
    private static final String INTO_QUEUE = """
              returning id, webhook_id, event_id, event_type, attempts, last_response_status, last_error)
            insert into dead_letter (id, webhook_id, event_id, event_type, reason, attempts, last_response_status, last_error, dead_at)
            select id, webhook_id, event_id, event_type, $2, attempts, last_response_status, last_error, now() from parked
            returning id, webhook_id, event_id, event_type, reason""";
    /** $1 the delivery, $2 reason, $3 pending, $4 dead. */
    private static final String PARK_DELIVERY = """
            with parked as (
              update webhook_delivery set status = $4, next_attempt_at = null where id = $1 and status = $3
            """ + INTO_QUEUE;
    /** $1 the subscription, $2 reason, $3 pending, $4 dead: one statement, however many are pending. */
    private static final String PARK_PENDING = """
            with parked as (
              update webhook_delivery set status = $4, next_attempt_at = null where webhook_id = $1 and status = $3
            """ + INTO_QUEUE;
    /** The last attempt of a parked delivery reads 'dead', with no next attempt. */
    private static final String LAST_ATTEMPT_DEAD = """
            update webhook_attempt set status = $2, next_attempt_at = null where id in (
              select distinct on (delivery_id) id from webhook_attempt where delivery_id = any($1)
              order by delivery_id, attempted_at desc, id desc)""";
    /** $1 subscription or null, $2 type patterns, $3 after, $4 limit, $5 account or null: the entries of that account's subscriptions. */
    private static final String LIST = """
            select d.* from dead_letter d join webhook_subscription s on s.id = d.webhook_id
            where ($1::uuid is null or d.webhook_id = $1) and d.event_type like any($2)
              and ($3::uuid is null or d.id > $3) and ($5::uuid is null or s.account_id = $5)
            order by d.id limit $4""";
    private static final String STATUS_OF_SUBSCRIPTION = """
            select s.status from dead_letter d join webhook_subscription s on s.id = d.webhook_id
            where d.id = $1 and ($2::uuid is null or s.account_id = $2)""";
    /** Deletes the entries chosen by {@code replayed} and makes their deliveries pending again with a fresh schedule. */
    private static final String RESET_REPLAYED = """
            update webhook_delivery set status = $1, attempts = 0, next_attempt_at = now(),
              last_response_status = null, last_error = null, lease_token = null
            where id in (select id from replayed)""";
    /** $1 pending, $2 entry, $3 active. */
    private static final String REPLAY_ONE = """
            with replayed as (
              delete from dead_letter d using webhook_subscription s
              where s.id = d.webhook_id and s.status = $3 and d.id = $2
              returning d.id)
            """ + RESET_REPLAYED;
    /** $1 pending, $2 subscription or null, $3 type patterns, $4 active, $5 account or null. */
    private static final String REPLAY_MATCHING = """
            with replayed as (
              delete from dead_letter d using webhook_subscription s
              where s.id = d.webhook_id and s.status = $4 and ($2::uuid is null or d.webhook_id = $2)
                and d.event_type like any($3) and ($5::uuid is null or s.account_id = $5)
              returning d.id)
            """ + RESET_REPLAYED;

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
    public Uni<List<Parked>> parkDelivery(SqlConnection connection, UUID deliveryId, DeadLetterReason reason) {
        return park(connection, PARK_DELIVERY, deliveryId, reason);
    }

    /** Parks every pending delivery of a subscription. */
    public Uni<List<Parked>> parkPending(SqlConnection connection, UUID webhookId, DeadLetterReason reason) {
        return park(connection, PARK_PENDING, webhookId, reason);
    }

    private Uni<List<Parked>> park(SqlConnection connection, String statement, UUID id, DeadLetterReason reason) {
        return connection.preparedQuery(statement)
                .execute(Tuple.of(id, reason.wireName(), DeliveryStatus.PENDING.wireName(), DeliveryStatus.DEAD.wireName()))
                .chain(rows -> {
                    List<Parked> parked = new ArrayList<>(rows.size());
                    rows.forEach(row -> parked.add(new Parked(row.getUUID("id"), row.getUUID("webhook_id"), row.getUUID("event_id"),
                            row.getString("event_type"), row.getString("reason"))));
                    if (parked.isEmpty()) {
                        return Uni.createFrom().item(parked);
                    }
                    UUID[] ids = parked.stream().map(Parked::id).toArray(UUID[]::new);
                    return connection.preparedQuery(LAST_ATTEMPT_DEAD).execute(Tuple.of(ids, AttemptStatus.DEAD.wireName()))
                            .replaceWith(parked);
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

    @Scheduled(every = GAUGE_REFRESH, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public Uni<Void> refreshWaiting() {
        return pool.query("select count(*) from dead_letter").execute()
                .invoke(rows -> waiting.set(rows.iterator().next().getLong(0))).replaceWithVoid();
    }

    public Uni<List<DeadLetterView>> list(Scope scope, UUID webhookId, TypeFilter types, UUID after, int limit) {
        return pool.preparedQuery(LIST)
                .execute(Tuple.of(webhookId, types.likePatterns().toArray(String[]::new), after, limit, scope.filter()))
                .map(DeadLetterQueue::views);
    }

    /** Replays one entry: 404 if unknown (or another account's), 409 while its subscription is disabled. */
    public Uni<Void> replay(Scope scope, UUID id) {
        String active = SubscriptionStatus.ACTIVE.wireName();
        return pool.withTransaction(connection -> connection.preparedQuery(STATUS_OF_SUBSCRIPTION).execute(Tuple.of(id, scope.filter()))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().failure(new ResourceNotFound("Dead letter", id));
                    }
                    if (!active.equals(rows.iterator().next().getString("status"))) {
                        return Uni.createFrom().failure(new Conflict("The subscription of dead letter " + id
                                + " is disabled: re-enable it (PATCH status active) before replaying."));
                    }
                    return connection.preparedQuery(REPLAY_ONE).execute(Tuple.of(DeliveryStatus.PENDING.wireName(), id, active));
                }))
                .chain(this::refreshWaiting);
    }

    /** Replays every entry of the scope matching the filters whose subscription is active; answers how many. */
    public Uni<Integer> replayMatching(Scope scope, UUID webhookId, TypeFilter types) {
        Tuple arguments = Tuple.of(DeliveryStatus.PENDING.wireName(), webhookId, types.likePatterns().toArray(String[]::new),
                SubscriptionStatus.ACTIVE.wireName(), scope.filter());
        return pool.withTransaction(connection -> connection.preparedQuery(REPLAY_MATCHING).execute(arguments))
                .map(RowSet::rowCount)
                .call(this::refreshWaiting);
    }

    private static List<DeadLetterView> views(RowSet<Row> rows) {
        List<DeadLetterView> views = new ArrayList<>(rows.size());
        rows.forEach(row -> views.add(DeadLetterView.of(row)));
        return views;
    }
}

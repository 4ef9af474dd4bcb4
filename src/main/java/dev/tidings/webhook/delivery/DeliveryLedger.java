package dev.tidings.webhook.delivery;

import dev.tidings.background.PipelinedTransaction;
import dev.tidings.background.PipelinedTransaction.Statement;
import dev.tidings.config.EventsConfig;
import dev.tidings.event.TimeOrderedIds;
import dev.tidings.webhook.AttemptStatus;
import dev.tidings.webhook.DeadLetterReason;
import dev.tidings.webhook.DeliveryStatus;
import dev.tidings.webhook.DisableReason;
import dev.tidings.webhook.SubscriptionStatus;
import dev.tidings.webhook.deadletter.DeadLetterQueue;
import dev.tidings.webhook.subscription.Deactivation;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Records the outcome of an attempt in one transaction: the delivery's state, the subscription's
 * failure streak, the attempt log, and, when it comes to that, the dead-letter queue and deactivation.
 * Locks are taken subscription first, then delivery, as everywhere else, so ledgers and deactivations
 * cannot deadlock. Successes, the common outcome, can also be recorded many at once in one transaction
 * of a few array statements, sent in one round trip ({@link #recordSuccesses}).
 */
@ApplicationScoped
public class DeliveryLedger {

    private static final Logger LOG = Logger.getLogger(DeliveryLedger.class);

    private static final String INSERT_ATTEMPT = """
            insert into webhook_attempt (id, webhook_id, delivery_id, event_id, event_type, attempt, status,
              response_status, duration_ms, error, attempted_at, next_attempt_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""";
    private static final String RESET_STREAK = """
            update webhook_subscription set consecutive_failures = 0 where id = $1 and consecutive_failures <> 0""";
    /** $2 the subscription's active status. */
    private static final String EXTEND_STREAK = """
            update webhook_subscription set consecutive_failures = consecutive_failures + 1
            where id = $1 and status = $2 returning consecutive_failures""";
    /**
     * A success ends the delivery, even one parked while this attempt was in flight ($3 succeeded, $4 pending,
     * $5 dead); only with the lease token of the claim that made the attempt ($6).
     */
    private static final String SUCCEEDED = """
            update webhook_delivery set status = $3, attempts = attempts + 1, next_attempt_at = null,
              last_response_status = $2, last_error = null, lease_token = null
            where id = $1 and status in ($4, $5) and lease_token = $6 returning attempts""";
    private static final String REMOVE_DEAD_LETTER = "delete from dead_letter where id = $1";
    /**
     * $1 a batch's subscriptions, locked in id order before any of its deliveries, so that deletions,
     * recoveries and deactivations (which lock the subscription first too) cannot deadlock with the batch.
     */
    private static final String LOCK_SUBSCRIPTIONS = "select id from webhook_subscription where id = any($1) order by id for no key update";
    /**
     * A batch's statements are planned once for all arguments, as {@link DeliveryWorker}'s claim is: left to choose,
     * PostgreSQL plans them again for every call (their array arguments), which cost about a sixth of its work when
     * deliveries succeed at full speed. A plan made once is kept for the connection's life, so they read their tables
     * through their indexes only: one made while the subscriptions or deliveries were a handful of rows would read
     * every one of them for each batch once they are thousands.
     */
    private static final String PLAN_ONCE = """
            select set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true)""";
    /**
     * $1 deliveries, $2 their lease tokens, $3 pending, $4 dead: resets the streaks of the subscriptions whose
     * deliveries the batch will record (those still leased to their attempts). Each delivery is looked up by its key
     * from the batch (a lateral subquery the planner cannot turn into a join): a plan made while few deliveries were
     * pending would otherwise read all pending ones for every batch.
     */
    private static final String RESET_STREAKS = """
            update webhook_subscription set consecutive_failures = 0
            where consecutive_failures <> 0 and id = any(array(
              select d.webhook_id from unnest($1::uuid[], $2::uuid[]) as b(id, lease_token) cross join lateral (
                select webhook_id from webhook_delivery d
                where d.id = b.id and d.lease_token = b.lease_token and d.status in ($3, $4) offset 0) d))""";
    /**
     * {@link #SUCCEEDED}, the dead letter's removal and the attempt's log entry for many successes at once, locking
     * the deliveries in id order; each is looked up and updated by its key (see {@link #RESET_STREAKS}). Answers those
     * whose lease was still their attempt's, with their attempt count.
     * $1 deliveries, $2 lease tokens, $3 response statuses, $4 attempt ids, $5 subscriptions, $6 events, $7 event
     * types, $8 durations, $9 attempt times; $10 succeeded, $11 pending, $12 dead, $13 the attempt's succeeded.
     */
    private static final String ALL_SUCCEEDED = """
            with batch as (
              select * from unnest($1::uuid[], $2::uuid[], $3::int[], $4::uuid[], $5::uuid[], $6::uuid[], $7::varchar[], $8::int[],
                                   $9::timestamptz[])
                as b(id, lease_token, response_status, attempt_id, webhook_id, event_id, event_type, duration_ms, attempted_at)),
            leased as materialized (
              select d.id from (select * from batch order by id) b cross join lateral (
                select id from webhook_delivery d
                where d.id = b.id and d.lease_token = b.lease_token and d.status in ($11, $12) for update) d),
            succeeded as (
              update webhook_delivery d set status = $10, attempts = d.attempts + 1, next_attempt_at = null,
                last_response_status = b.response_status, last_error = null, lease_token = null
              from batch b
              where d.id = any(array(select id from leased)) and b.id = d.id and b.lease_token = d.lease_token
              returning d.id, d.attempts),
            unparked as (delete from dead_letter where id in (select id from succeeded)),
            logged as (
              insert into webhook_attempt (id, webhook_id, delivery_id, event_id, event_type, attempt, status,
                response_status, duration_ms, error, attempted_at, next_attempt_at)
              select b.attempt_id, b.webhook_id, b.id, b.event_id, b.event_type, s.attempts, $13, b.response_status, b.duration_ms,
                null, b.attempted_at, null
              from succeeded s join batch b on b.id = s.id)
            select id, attempts from succeeded""";
    /** $4 pending, $5 dead, $6 lease token: answers the status, so a delivery parked while in flight is told apart. */
    private static final String FAILED = """
            update webhook_delivery set attempts = attempts + 1, last_response_status = $2, last_error = $3, lease_token = null
            where id = $1 and status in ($4, $5) and lease_token = $6 returning attempts, status""";
    private static final String SCHEDULE_RETRY = "update webhook_delivery set next_attempt_at = $2 where id = $1";
    /** Parked while this attempt was in flight: its dead letter tells of this last attempt. */
    private static final String UPDATE_DEAD_LETTER = """
            update dead_letter set attempts = $2, last_response_status = $3, last_error = $4 where id = $1""";
    /** The attempt that was the last before this one stops reading dead ($2 failed, $3 dead). */
    private static final String EARLIER_ATTEMPTS_FAILED = "update webhook_attempt set status = $2 where delivery_id = $1 and status = $3";

    private final Pool pool;
    private final RetrySchedule schedule;
    private final FailureStreak streak;
    private final DeadLetterQueue deadLetters;
    private final Deactivation deactivation;

    public DeliveryLedger(Pool pool, EventsConfig config, DeadLetterQueue deadLetters, Deactivation deactivation) {
        this.pool = pool;
        this.schedule = new RetrySchedule(config.webhooks().retrySchedule(), Math::random);
        this.streak = new FailureStreak(config.webhooks().disableAfterFailures());
        this.deadLetters = deadLetters;
        this.deactivation = deactivation;
    }

    /**
     * Records the outcome if the lease is still this attempt's; if it ran out and the delivery was claimed
     * again (or the subscription was deleted), nothing is written: the attempt that holds the lease records.
     */
    Uni<Void> record(ClaimedDelivery delivery, AttemptResult result) {
        return pool.withTransaction(connection -> result.succeeded()
                        ? succeeded(connection, delivery, result)
                        : failed(connection, delivery, result))
                .chain(deadLetters::announce)
                .onFailure(LeaseEnded.class).recoverWithItem(ended -> {
                    LOG.infof("Outcome of delivery %s not recorded: its lease ended before the attempt did", delivery.id());
                    return null;
                });
    }

    /** A successful attempt waiting to be recorded. */
    record Success(ClaimedDelivery delivery, AttemptResult result) {
    }

    /**
     * Records many successes in one transaction, each with the end state {@link #record} gives it, in a fixed
     * number of statements whatever their count, written together with the BEGIN and COMMIT (see
     * {@link PipelinedTransaction}). Subscriptions are locked before deliveries and each kind in id order, so
     * batches of other replicas and single outcomes cannot deadlock with this one. A success
     * whose lease ended is left out, as {@link #record} leaves it out, and does not reset its subscription's
     * streak on its own.
     */
    Uni<Void> recordSuccesses(List<Success> successes) {
        UUID[] webhookIds = successes.stream().map(success -> success.delivery().webhookId()).distinct().toArray(UUID[]::new);
        List<Statement> statements = List.of(
                Statement.of(PLAN_ONCE),
                Statement.of(LOCK_SUBSCRIPTIONS, Tuple.of(webhookIds)),
                Statement.of(RESET_STREAKS, Tuple.of(ids(successes), leaseTokens(successes),
                        DeliveryStatus.PENDING.wireName(), DeliveryStatus.DEAD.wireName())),
                Statement.of(ALL_SUCCEEDED, allSucceeded(successes)));
        return pool.withConnection(c -> PipelinedTransaction.run(c, statements))
                .map(answers -> {
                    Map<UUID, Integer> attempts = new HashMap<>();
                    answers.get(answers.size() - 1).forEach(row -> attempts.put(row.getUUID("id"), row.getInteger("attempts")));
                    return attempts;
                })
                .invoke(attempts -> successes.stream().map(success -> success.delivery().id()).filter(id -> !attempts.containsKey(id))
                        .forEach(id -> LOG.infof("Outcome of delivery %s not recorded: its lease ended before the attempt did", id)))
                .replaceWithVoid();
    }

    /** The arguments of {@link #ALL_SUCCEEDED}: ends, unparks and logs the deliveries still leased to their attempts. */
    private static Tuple allSucceeded(List<Success> successes) {
        return Tuple.tuple()
                .addValue(ids(successes))
                .addValue(leaseTokens(successes))
                .addValue(column(successes, success -> success.result().responseStatus(), Integer[]::new))
                .addValue(column(successes, success -> TimeOrderedIds.next(), UUID[]::new))
                .addValue(column(successes, success -> success.delivery().webhookId(), UUID[]::new))
                .addValue(column(successes, success -> success.delivery().eventId(), UUID[]::new))
                .addValue(column(successes, success -> success.delivery().eventType(), String[]::new))
                .addValue(column(successes, success -> durationMs(success.result()), Integer[]::new))
                .addValue(column(successes, success -> success.result().attemptedAt().atOffset(ZoneOffset.UTC), OffsetDateTime[]::new))
                .addString(DeliveryStatus.SUCCEEDED.wireName())
                .addString(DeliveryStatus.PENDING.wireName())
                .addString(DeliveryStatus.DEAD.wireName())
                .addString(AttemptStatus.SUCCEEDED.wireName());
    }

    private static UUID[] ids(List<Success> successes) {
        return column(successes, success -> success.delivery().id(), UUID[]::new);
    }

    private static UUID[] leaseTokens(List<Success> successes) {
        return column(successes, success -> success.delivery().leaseToken(), UUID[]::new);
    }

    /** One value of each success, as an array parameter of the statements above. */
    private static <T> T[] column(List<Success> successes, Function<Success, T> value, IntFunction<T[]> array) {
        return successes.stream().map(value).toArray(array);
    }

    /** Rolls the recording back: the lease is no longer this attempt's. */
    private static final class LeaseEnded extends RuntimeException {
        LeaseEnded() {
            super(null, null, false, false);
        }
    }

    /** A success resets the streak and ends the delivery, taking it out of the dead-letter queue if it was parked meanwhile. */
    private Uni<List<DeadLetterQueue.Parked>> succeeded(SqlConnection c, ClaimedDelivery d, AttemptResult result) {
        return c.preparedQuery(RESET_STREAK).execute(Tuple.of(d.webhookId()))
                .chain(() -> c.preparedQuery(SUCCEEDED).execute(Tuple.of(d.id(), result.responseStatus(),
                        DeliveryStatus.SUCCEEDED.wireName(), DeliveryStatus.PENDING.wireName(), DeliveryStatus.DEAD.wireName(),
                        d.leaseToken())))
                .invoke(DeliveryLedger::requireLease)
                .call(() -> c.preparedQuery(REMOVE_DEAD_LETTER).execute(Tuple.of(d.id())))
                .chain(rows -> logAttempt(c, d, rows.iterator().next().getInteger("attempts"), AttemptStatus.SUCCEEDED, result, null))
                .replaceWith(List.of());
    }

    /**
     * The streak counts only the receiver's own failures, and only while the subscription is active; the
     * subscription row is locked first.
     */
    private Uni<List<DeadLetterQueue.Parked>> failed(SqlConnection c, ClaimedDelivery d, AttemptResult result) {
        Uni<Integer> streakNow = !result.countsAsFailure() ? Uni.createFrom().item(0)
                : c.preparedQuery(EXTEND_STREAK).execute(Tuple.of(d.webhookId(), SubscriptionStatus.ACTIVE.wireName()))
                        .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getInteger(0) : 0);
        return streakNow.chain(failures -> c.preparedQuery(FAILED).execute(Tuple.of(d.id(), result.responseStatus(), result.failure(),
                        DeliveryStatus.PENDING.wireName(), DeliveryStatus.DEAD.wireName(), d.leaseToken()))
                .invoke(DeliveryLedger::requireLease)
                .chain(rows -> {
                    Row row = rows.iterator().next();
                    int attempt = row.getInteger("attempts");
                    return DeliveryStatus.DEAD.wireName().equals(row.getString("status"))
                            ? failedAfterParking(c, d, result, attempt)
                            : afterFailure(c, d, result, attempt, failures);
                }));
    }

    /**
     * After a failed attempt: a 410 disables the subscription at once; a streak that reached the limit
     * disables it; otherwise the next attempt follows the schedule, but never before a Retry-After;
     * when the schedule is used up, the delivery goes to the dead-letter queue.
     */
    private Uni<List<DeadLetterQueue.Parked>> afterFailure(SqlConnection c, ClaimedDelivery d, AttemptResult result,
                                                          int attempt, int failures) {
        if (result.gone() || streak.disables(failures)) {
            DisableReason reason = result.gone() ? DisableReason.GONE : DisableReason.CONSECUTIVE_FAILURES;
            return logAttempt(c, d, attempt, AttemptStatus.DEAD, result, null)
                    .chain(() -> deactivation.disable(c, d.webhookId(), reason));
        }
        return schedule.delayAfter(attempt)
                .map(delay -> {
                    Duration wait = result.retryAfter() != null && result.retryAfter().compareTo(delay) > 0 ? result.retryAfter() : delay;
                    OffsetDateTime next = Instant.now().plus(wait).atOffset(ZoneOffset.UTC);
                    return c.preparedQuery(SCHEDULE_RETRY).execute(Tuple.of(d.id(), next))
                            .chain(() -> logAttempt(c, d, attempt, AttemptStatus.FAILED, result, next))
                            .replaceWith(List.<DeadLetterQueue.Parked>of());
                })
                .orElseGet(() -> logAttempt(c, d, attempt, AttemptStatus.DEAD, result, null)
                        .chain(() -> deadLetters.parkDelivery(c, d.id(), DeadLetterReason.RETRIES_EXHAUSTED)));
    }

    /** The delivery went to the dead-letter queue while this attempt was in flight: this attempt is now its last one. */
    private Uni<List<DeadLetterQueue.Parked>> failedAfterParking(SqlConnection c, ClaimedDelivery d, AttemptResult result, int attempt) {
        return c.preparedQuery(UPDATE_DEAD_LETTER).execute(Tuple.of(d.id(), attempt, result.responseStatus(), result.failure()))
                .chain(() -> c.preparedQuery(EARLIER_ATTEMPTS_FAILED)
                        .execute(Tuple.of(d.id(), AttemptStatus.FAILED.wireName(), AttemptStatus.DEAD.wireName())))
                .chain(() -> logAttempt(c, d, attempt, AttemptStatus.DEAD, result, null))
                .replaceWith(List.of());
    }

    private static void requireLease(RowSet<Row> rows) {
        if (!rows.iterator().hasNext()) {
            throw new LeaseEnded();
        }
    }

    private static Uni<Void> logAttempt(SqlConnection c, ClaimedDelivery d, int attempt, AttemptStatus status, AttemptResult result,
                                        OffsetDateTime nextAttemptAt) {
        return logAttempt(c, d.webhookId(), d.id(), d.eventId(), d.eventType(), attempt, status, result, nextAttemptAt);
    }

    private static Uni<Void> logAttempt(SqlClient c, UUID webhookId, UUID deliveryId, UUID eventId, String eventType, int attempt,
                                AttemptStatus status, AttemptResult result, OffsetDateTime nextAttemptAt) {
        return c.preparedQuery(INSERT_ATTEMPT).execute(Tuple.tuple()
                        .addUUID(TimeOrderedIds.next()).addUUID(webhookId).addUUID(deliveryId).addUUID(eventId)
                        .addString(eventType).addInteger(attempt).addString(status.wireName()).addInteger(result.responseStatus())
                        .addInteger(durationMs(result))
                        .addString(result.succeeded() ? null : result.failure())
                        .addOffsetDateTime(result.attemptedAt().atOffset(ZoneOffset.UTC))
                        .addOffsetDateTime(nextAttemptAt))
                .replaceWithVoid();
    }

    private static int durationMs(AttemptResult result) {
        return (int) Math.min(Integer.MAX_VALUE, result.durationMs());
    }

    /** A test ping is logged like an attempt of its own, and touches nothing else: no delivery, streak or dead letter. */
    Uni<Void> recordTest(UUID webhookId, UUID eventId, String eventType, AttemptResult result) {
        return logAttempt(pool, webhookId, TimeOrderedIds.next(), eventId, eventType, 1,
                result.succeeded() ? AttemptStatus.SUCCEEDED : AttemptStatus.FAILED, result, null);
    }
}

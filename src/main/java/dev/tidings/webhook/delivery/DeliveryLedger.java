package dev.tidings.webhook.delivery;

import dev.tidings.config.EventsConfig;
import dev.tidings.event.TimeOrderedIds;
import dev.tidings.webhook.deadletter.DeadLetterQueue;
import dev.tidings.webhook.subscription.Deactivation;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Records the outcome of an attempt in one transaction: the delivery's state, the subscription's
 * failure streak, the attempt log, and, when it comes to that, the dead-letter queue and deactivation.
 */
@ApplicationScoped
public class DeliveryLedger {

    static final String SUCCEEDED = "succeeded";
    static final String FAILED = "failed";
    static final String DEAD = "dead";

    private static final String INSERT_ATTEMPT = """
            insert into webhook_attempt (id, webhook_id, delivery_id, event_id, event_type, attempt, status,
              response_status, duration_ms, error, attempted_at, next_attempt_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""";

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

    Uni<Void> record(ClaimedDelivery delivery, AttemptResult result) {
        return pool.withTransaction(connection -> result.succeeded()
                        ? succeeded(connection, delivery, result)
                        : failed(connection, delivery, result))
                .chain(deadLetters::announce);
    }

    /**
     * A success ends the delivery, even one parked while this attempt was in flight, and resets the streak.
     * Locks are taken subscription first, then delivery, as everywhere else, so ledgers and deactivations
     * cannot deadlock.
     */
    private Uni<List<DeadLetterQueue.Parked>> succeeded(SqlConnection c, ClaimedDelivery d, AttemptResult result) {
        return c.preparedQuery("update webhook_subscription set consecutive_failures = 0 where id = $1 and consecutive_failures <> 0")
                .execute(Tuple.of(d.webhookId()))
                .chain(() -> c.preparedQuery("update webhook_delivery set status = 'succeeded', attempts = attempts + 1, "
                                + "next_attempt_at = null, last_response_status = $2, last_error = null "
                                + "where id = $1 and status in ('pending', 'dead') returning attempts")
                        .execute(Tuple.of(d.id(), result.responseStatus())))
                .call(() -> c.preparedQuery("delete from dead_letter where id = $1").execute(Tuple.of(d.id())))
                .chain(rows -> logAttempt(c, d, attemptNumber(rows, d), SUCCEEDED, result, null))
                .replaceWith(List.of());
    }

    /** The streak counts only while the subscription is active; the subscription row is locked first. */
    private Uni<List<DeadLetterQueue.Parked>> failed(SqlConnection c, ClaimedDelivery d, AttemptResult result) {
        return c.preparedQuery("update webhook_subscription set consecutive_failures = consecutive_failures + 1 "
                        + "where id = $1 and status = 'active' returning consecutive_failures")
                .execute(Tuple.of(d.webhookId()))
                .chain(streakRows -> {
                    int failures = streakRows.iterator().hasNext() ? streakRows.iterator().next().getInteger(0) : 0;
                    return c.preparedQuery("update webhook_delivery set attempts = attempts + 1, last_response_status = $2, "
                                    + "last_error = $3 where id = $1 and status = 'pending' returning attempts")
                            .execute(Tuple.of(d.id(), result.responseStatus(), result.failure()))
                            .chain(rows -> rows.iterator().hasNext()
                                    ? afterFailure(c, d, result, attemptNumber(rows, d), failures)
                                    // Parked or deleted while in flight: only the log learns of this attempt.
                                    : logAttempt(c, d, attemptNumber(rows, d), FAILED, result, null)
                                            .replaceWith(List.<DeadLetterQueue.Parked>of()));
                });
    }

    private Uni<List<DeadLetterQueue.Parked>> afterFailure(SqlConnection c, ClaimedDelivery d, AttemptResult result,
                                                          int attempt, int failures) {
        if (streak.disables(failures)) {
            return logAttempt(c, d, attempt, DEAD, result, null)
                    .chain(() -> deactivation.disable(c, d.webhookId(), Deactivation.BY_FAILURES));
        }
        return schedule.delayAfter(attempt)
                .map(delay -> {
                    OffsetDateTime next = Instant.now().plus(delay).atOffset(ZoneOffset.UTC);
                    return c.preparedQuery("update webhook_delivery set next_attempt_at = $2 where id = $1")
                            .execute(Tuple.of(d.id(), next))
                            .chain(() -> logAttempt(c, d, attempt, FAILED, result, next))
                            .replaceWith(List.<DeadLetterQueue.Parked>of());
                })
                .orElseGet(() -> logAttempt(c, d, attempt, DEAD, result, null)
                        .chain(() -> deadLetters.parkDelivery(c, d.id(), DeadLetterQueue.RETRIES_EXHAUSTED)));
    }

    private static int attemptNumber(io.vertx.mutiny.sqlclient.RowSet<io.vertx.mutiny.sqlclient.Row> rows, ClaimedDelivery d) {
        return rows.iterator().hasNext() ? rows.iterator().next().getInteger("attempts") : d.attemptsBefore() + 1;
    }

    private static Uni<Void> logAttempt(SqlConnection c, ClaimedDelivery d, int attempt, String status, AttemptResult result,
                                        OffsetDateTime nextAttemptAt) {
        return logAttempt(c, d.webhookId(), d.id(), d.eventId(), d.eventType(), attempt, status, result, nextAttemptAt);
    }

    static Uni<Void> logAttempt(SqlConnection c, UUID webhookId, UUID deliveryId, UUID eventId, String eventType, int attempt,
                                String status, AttemptResult result, OffsetDateTime nextAttemptAt) {
        return c.preparedQuery(INSERT_ATTEMPT).execute(Tuple.tuple()
                        .addUUID(TimeOrderedIds.next()).addUUID(webhookId).addUUID(deliveryId).addUUID(eventId)
                        .addString(eventType).addInteger(attempt).addString(status).addInteger(result.responseStatus())
                        .addInteger((int) Math.min(Integer.MAX_VALUE, result.durationMs()))
                        .addString(result.succeeded() ? null : result.failure())
                        .addOffsetDateTime(result.attemptedAt().atOffset(ZoneOffset.UTC))
                        .addOffsetDateTime(nextAttemptAt))
                .replaceWithVoid();
    }

    /** A test ping is logged like an attempt, and touches nothing else. */
    Uni<Void> recordTest(UUID webhookId, UUID eventId, String eventType, AttemptResult result) {
        return pool.withConnection(c -> logAttempt(c, webhookId, TimeOrderedIds.next(), eventId, eventType, 1,
                result.succeeded() ? SUCCEEDED : FAILED, result, null));
    }

    static Duration lease(Duration timeout) {
        return timeout.plusSeconds(15);
    }
}

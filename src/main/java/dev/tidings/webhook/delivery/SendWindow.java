package dev.tidings.webhook.delivery;

import dev.tidings.config.EventsConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * Holds a subscription's {@code rateLimit} over all replicas (CONTRACT §6). Right before a request to a
 * rate-limited subscription leaves, it is written down in {@code webhook_send}, but only while the
 * subscription's requests that count leave room; the check and the write take turns per subscription (a
 * transaction-scoped advisory lock), so two replicas cannot both take the last place. A request counts from
 * its admission until a {@link #WINDOW} after it is known to have arrived: its row first holds the latest moment
 * it can arrive (the attempt's lease), and the moment its outcome came back once that is known ({@link #settle}).
 * However long a request takes to reach the receiver, every other request within a second of its arrival was
 * admitted while it counted, so no second at the receiver holds more than the limit. A delivery that finds no
 * room is held back a moment: never failed, dead-lettered or dropped.
 */
@ApplicationScoped
public class SendWindow {

    /** How long a request still counts after it is known to have arrived. */
    static final Duration WINDOW = Duration.ofSeconds(1);
    /** How long a held-back delivery waits before it is claimed again. */
    private static final Duration HELD_BACK = Duration.ofMillis(200);

    /** Two-key advisory locks do not meet the outbox's one-key ones; the first key names this use. */
    private static final String TAKE_TURN = "select pg_advisory_xact_lock(8, hashtext($1::text))";
    /** $1 subscription, $2 its limit, $3 the window and $4 the lease in seconds: answers a row when the send may go. */
    private static final String ADMIT = """
            insert into webhook_send (webhook_id, sent_at) select $1, clock_timestamp() + make_interval(secs => $4)
            where (select count(*) from webhook_send
                   where webhook_id = $1 and sent_at > clock_timestamp() - make_interval(secs => $3)) < $2
            returning id""";
    private static final String SETTLE = "update webhook_send set sent_at = clock_timestamp() where id = $1";
    private static final String HOLD_BACK = """
            update webhook_delivery set next_attempt_at = clock_timestamp() + make_interval(secs => $3), lease_token = null
            where id = $1 and lease_token = $2""";

    /** A request that may leave; {@code sendId} names its row, null for a subscription without a limit. */
    record Admission(Long sendId) {
        static final Admission UNLIMITED = new Admission(null);
    }

    private final Pool pool;
    /** A request arrives within its attempt's lease or not at all. */
    private final double leaseSeconds;

    SendWindow(Pool pool, EventsConfig config) {
        this.pool = pool;
        this.leaseSeconds = seconds(config.webhooks().timeout().plus(config.webhooks().leaseMargin()));
    }

    /** Lets this delivery's request leave now, or answers null when its subscription's limit has no room. */
    Uni<Admission> admit(ClaimedDelivery delivery) {
        if (delivery.rateLimit() == null) {
            return Uni.createFrom().item(Admission.UNLIMITED);
        }
        return pool.withTransaction(c -> c.preparedQuery(TAKE_TURN).execute(Tuple.of(delivery.webhookId().toString()))
                .chain(() -> c.preparedQuery(ADMIT).execute(Tuple.of(delivery.webhookId(), delivery.rateLimit(), seconds(WINDOW), leaseSeconds)))
                .map(rows -> rows.iterator().hasNext() ? new Admission(rows.iterator().next().getLong("id")) : null));
    }

    /**
     * Marks an admitted request's outcome as known (a response, or a failure to reach the receiver): it has arrived
     * by now or never will, so it counts for one more window from now. If this is not written, it counts until its
     * lease would have ended, which only holds the subscription's next requests back longer.
     */
    Uni<Void> settle(Admission admission) {
        if (admission.sendId() == null) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(SETTLE).execute(Tuple.of(admission.sendId())).replaceWithVoid();
    }

    /** Gives the lease back and makes the delivery due again shortly; its attempts are not counted. */
    Uni<Void> holdBack(ClaimedDelivery delivery) {
        return pool.preparedQuery(HOLD_BACK).execute(Tuple.of(delivery.id(), delivery.leaseToken(), seconds(HELD_BACK)))
                .replaceWithVoid();
    }

    static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}

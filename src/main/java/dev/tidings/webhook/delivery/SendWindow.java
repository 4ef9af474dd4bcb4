package dev.tidings.webhook.delivery;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * Holds a subscription's {@code rateLimit} over all replicas (CONTRACT §6). Right before a request to a
 * rate-limited subscription leaves, it is written down in {@code webhook_send}, but only while the
 * subscription's requests of the last {@link #WINDOW} leave room; the check and the write take turns per
 * subscription (a transaction-scoped advisory lock), so two replicas cannot both take the last place. A
 * delivery that finds no room is held back a moment: never failed, dead-lettered or dropped.
 */
@ApplicationScoped
public class SendWindow {

    /** One second, plus a margin for the moment between writing a send down and its request arriving. */
    static final Duration WINDOW = Duration.ofMillis(1250);
    /** How long a held-back delivery waits before it is claimed again. */
    private static final Duration HELD_BACK = Duration.ofMillis(200);

    /** Two-key advisory locks do not meet the outbox's one-key ones; the first key names this use. */
    private static final String TAKE_TURN = "select pg_advisory_xact_lock(8, hashtext($1::text))";
    /** $1 subscription, $2 its limit, $3 the window in seconds: answers a row when the send may go. */
    private static final String ADMIT = """
            insert into webhook_send (webhook_id, sent_at) select $1, clock_timestamp()
            where (select count(*) from webhook_send
                   where webhook_id = $1 and sent_at > clock_timestamp() - make_interval(secs => $3)) < $2
            returning sent_at""";
    private static final String HOLD_BACK = """
            update webhook_delivery set next_attempt_at = clock_timestamp() + make_interval(secs => $3), lease_token = null
            where id = $1 and lease_token = $2""";

    @Inject
    Pool pool;

    /** Whether this delivery's request may leave now; always for a subscription without a limit. */
    Uni<Boolean> admit(ClaimedDelivery delivery) {
        if (delivery.rateLimit() == null) {
            return Uni.createFrom().item(true);
        }
        return pool.withTransaction(c -> c.preparedQuery(TAKE_TURN).execute(Tuple.of(delivery.webhookId().toString()))
                .chain(() -> c.preparedQuery(ADMIT).execute(Tuple.of(delivery.webhookId(), delivery.rateLimit(), seconds(WINDOW))))
                .map(rows -> rows.iterator().hasNext()));
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

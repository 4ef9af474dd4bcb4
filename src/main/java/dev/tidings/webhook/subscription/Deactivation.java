package dev.tidings.webhook.subscription;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.event.BuiltInEventType;
import dev.tidings.event.Timestamps;
import dev.tidings.outbox.EventDraft;
import dev.tidings.outbox.Outbox;
import dev.tidings.webhook.DeadLetterReason;
import dev.tidings.webhook.DisableReason;
import dev.tidings.webhook.SubscriptionStatus;
import dev.tidings.webhook.WebhookMetrics;
import dev.tidings.webhook.deadletter.DeadLetterQueue;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.UUID;

/**
 * Disables a subscription, by its failure streak or by hand, in the caller's transaction: nothing more
 * is attempted, its pending deliveries move to the dead-letter queue and {@code webhook.disabled} goes
 * through the outbox like any other event.
 */
@ApplicationScoped
public class Deactivation {

    private static final String DISABLE = """
            update webhook_subscription set status = $2, updated_at = now()
            where id = $1 and status = $3 returning url, consecutive_failures, updated_at, account_id""";

    @Inject
    DeadLetterQueue deadLetters;
    @Inject
    Outbox outbox;
    @Inject
    ObjectMapper json;
    @Inject
    WebhookMetrics metrics;

    @RegisterForReflection
    record Disabled(UUID webhookId, String url, String reason, int consecutiveFailures, String disabledAt) {
    }

    /** Answers the deliveries it parked (announce them after commit); nothing if it was not active. */
    public Uni<List<DeadLetterQueue.Parked>> disable(SqlConnection connection, UUID webhookId, DisableReason reason) {
        return connection.preparedQuery(DISABLE)
                .execute(Tuple.of(webhookId, SubscriptionStatus.DISABLED.wireName(), SubscriptionStatus.ACTIVE.wireName()))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().item(List.<DeadLetterQueue.Parked>of());
                    }
                    Row row = rows.iterator().next();
                    // Counted in the caller's transaction: a rollback retried later may count one disable twice
                    metrics.disabled(reason);
                    Disabled data = new Disabled(webhookId, row.getString("url"), reason.wireName(),
                            row.getInteger("consecutive_failures"), Timestamps.format(row.getOffsetDateTime("updated_at").toInstant()));
                    BuiltInEventType type = BuiltInEventType.WEBHOOK_DISABLED;
                    return deadLetters.parkPending(connection, webhookId, DeadLetterReason.SUBSCRIPTION_DISABLED)
                            .call(() -> outbox.append(connection, new EventDraft(type.wireName(), type.latestVersion(),
                                    WebhookSubscription.subject(webhookId), json.valueToTree(data), row.getUUID("account_id"))));
                });
    }
}

package dev.tidings.webhook.delivery;

import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An outcome is recorded only with the lease token of the claim that made the attempt: an attempt whose
 * lease ran out, and whose delivery was claimed again meanwhile, cannot be recorded a second time.
 */
@QuarkusTest
class LeaseFencingTest {

    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    DeliveryLedger ledger;

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void anOutcomeWithAStaleLeaseTokenWritesNothing() {
        String url = receiver.newEndpoint();
        String webhookId = Webhooks.subscribe(url, List.of("order.created")).getString("id");
        Orders.place("fencing");
        receiver.awaitRequests(url, 1);
        await().atMost(WebhookReceiver.PATIENCE).until(() -> Webhooks.deliveries(webhookId).size() == 1);
        String deliveryId = Database.strings("select id::text from webhook_delivery where webhook_id = ?::uuid", webhookId).get(0);
        UUID current = UUID.randomUUID();
        // As if another replica holds it now: leased with its token, not due for an hour.
        Database.update("update webhook_delivery set status = 'pending', lease_token = ?::uuid, "
                + "next_attempt_at = now() + interval '1 hour' where id = ?::uuid", current.toString(), deliveryId);

        record(deliveryId, webhookId, UUID.randomUUID());
        assertThat(Webhooks.deliveries(webhookId)).hasSize(1);
        assertThat(Database.strings("select attempts || ':' || lease_token from webhook_delivery where id = ?::uuid", deliveryId))
                .containsExactly("1:" + current);

        record(deliveryId, webhookId, current);
        List<Map<String, Object>> log = Webhooks.deliveries(webhookId);
        assertThat(log).hasSize(2);
        assertThat(log.get(0)).containsEntry("status", "failed").containsEntry("responseStatus", 500);
        assertThat(Database.strings("select attempts || ':' || coalesce(lease_token::text, 'none') from webhook_delivery where id = ?::uuid",
                deliveryId)).containsExactly("2:none");
    }

    private void record(String deliveryId, String webhookId, UUID leaseToken) {
        ClaimedDelivery claimed = new ClaimedDelivery(UUID.fromString(deliveryId), leaseToken, UUID.fromString(webhookId),
                UUID.randomUUID(), "order.created", 2, 1, receiver.newEndpoint(), null, Map.of(), "{}", List.of(), null);
        ledger.record(claimed, new AttemptResult(500, null, false, null, 5, Instant.now())).await().atMost(Duration.ofSeconds(10));
    }
}

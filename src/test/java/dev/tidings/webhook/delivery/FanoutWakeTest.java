package dev.tidings.webhook.delivery;

import dev.tidings.support.ConfigOverrideProfile;
import dev.tidings.support.Database;
import dev.tidings.support.Metrics;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import dev.tidings.support.Webhooks.Subscribed;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.tidings.support.WebhookReceiver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fan-out wakes the delivery worker only for a batch that stored deliveries: most batches, with nobody subscribed
 * to their types, would otherwise each cost a claim that finds nothing. The worker's poll is an hour here, so only a
 * wake-up makes it claim: a delivery made due again by hand shows whether a batch woke it.
 */
@QuarkusTest
@TestProfile(FanoutWakeTest.NoPoll.class)
class FanoutWakeTest {

    public static class NoPoll extends ConfigOverrideProfile {
        public NoPoll() {
            super(Map.of("events.webhooks.poll-interval", "1h"));
        }
    }

    private static final WebhookReceiver receiver = WebhookReceiver.shared();
    private static final String FANNED_OUT = "events_fanout_delay_seconds_count";

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void onlyABatchThatStoredDeliveriesWakesTheWorker() {
        Subscribed hook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        String order = Orders.place("wake-1");
        await().atMost(PATIENCE).until(() -> Database.count(
                "select count(*) from webhook_delivery where webhook_id = ?::uuid and status = 'succeeded'", hook.id()) == 1);
        // due again, as if its attempt had failed: only a claim can find it
        Database.update("update webhook_delivery set status = 'pending', next_attempt_at = now() where webhook_id = ?::uuid", hook.id());

        double fannedOut = Metrics.value(FANNED_OUT);
        Orders.pay(order); // order.payment_received: nobody subscribed to it
        await().atMost(PATIENCE).until(() -> Metrics.value(FANNED_OUT) > fannedOut);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> receiver.requests(hook.url()).size() == 1);

        Orders.place("wake-2"); // stores a delivery: the worker wakes and claims it and the one made due by hand
        await().atMost(PATIENCE).until(() -> Database.count(
                "select count(*) from webhook_delivery where webhook_id = ?::uuid and status = 'succeeded'", hook.id()) == 2);
        assertThat(receiver.requests(hook.url())).hasSize(3);
    }
}

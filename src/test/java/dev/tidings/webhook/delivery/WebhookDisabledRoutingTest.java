package dev.tidings.webhook.delivery;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tidings.support.WebhookReceiver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** {@code webhook.disabled} goes to other subscribers, never to the subscription it is about (CONTRACT §6). */
@QuarkusTest
class WebhookDisabledRoutingTest {

    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    /**
     * The relay is held back while the subscription is disabled and re-enabled, so the event reaches the
     * fan-out while the subscription is active again and its filter matches: only the rule keeps it away.
     */
    @ParameterizedTest
    @ValueSource(strings = {"*", "webhook.*", "webhook.disabled"})
    void webhookDisabledNeverReachesTheSubscriptionItIsAbout(String filter) throws Exception {
        String self = receiver.newEndpoint();
        String watcher = receiver.newEndpoint();
        String id = Webhooks.subscribe(self, List.of(filter)).getString("id");
        Webhooks.subscribe(watcher, List.of("webhook.disabled"));

        try (Connection stalledRelay = Database.connect()) {
            stalledRelay.setAutoCommit(false);
            stalledRelay.createStatement().executeQuery("select last_sequence from relay_cursor where id = 1 for update");
            Api.given().body(Map.of("status", "disabled")).patch("/webhooks/{id}", id).then().statusCode(200);
            Api.given().body(Map.of("status", "active")).patch("/webhooks/{id}", id).then().statusCode(200)
                    .body("status", equalTo("active"));
        } // the relay publishes webhook.disabled now

        await().atMost(PATIENCE).until(() -> receiver.requests(watcher).stream()
                .anyMatch(r -> r.body().contains("\"webhook.disabled\"") && r.body().contains(id)));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(receiver.requests(self)).as("requests to the subscription itself")
                        .noneMatch(r -> r.body().contains("\"webhook.disabled\"")));
        assertThat(Webhooks.deliveries(id)).extracting(a -> a.get("eventType")).doesNotContain("webhook.disabled");
    }
}

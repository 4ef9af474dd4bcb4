package dev.tidings.webhook.subscription;

import dev.tidings.support.Api;
import dev.tidings.support.ConfigOverrideProfile;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.tidings.support.WebhookReceiver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The address rules are applied to the host's addresses again when connecting, because DNS can change
 * after a subscription was accepted (CONTRACT §6). The host name resolves through a test DNS; nothing
 * here ever connects anywhere but 127.0.0.1, and the loopback answer is refused.
 */
@QuarkusTest
@TestProfile(DeliveryTimeResolutionTest.PrivateTargetsRefused.class)
class DeliveryTimeResolutionTest {

    public static class PrivateTargetsRefused extends ConfigOverrideProfile {
        public PrivateTargetsRefused() {
            super(Map.of("events.webhooks.allow-http", "true", "events.webhooks.allow-private-targets", "false"),
                    SwitchingHostResolver.class);
        }
    }

    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    SwitchingHostResolver dns;

    @AfterEach
    void deleteSubscriptions() {
        dns.answer(SwitchingHostResolver.LOOPBACK);
        Webhooks.deleteAll();
    }

    @Test
    void aHostThatResolvesToLoopbackIsRefusedAtCreation() {
        String url = receiver.newEndpoint().replace("127.0.0.1", SwitchingHostResolver.HOST);
        Api.given().body(Map.of("url", url, "eventTypes", List.of("order.created"))).post("/webhooks").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("url"));
    }

    @Test
    void aHostThatResolvedPubliclyAtCreationAndNowResolvesToLoopbackIsRefusedWhenConnecting() {
        String local = receiver.newEndpoint();
        String url = local.replace("127.0.0.1", SwitchingHostResolver.HOST);
        String id;
        // The public answer lasts only for the creation request: any later lookup gets the loopback one.
        dns.answer(SwitchingHostResolver.PUBLIC);
        try {
            id = Webhooks.subscribe(url, List.of("order.created")).getString("id");
        } finally {
            dns.answer(SwitchingHostResolver.LOOPBACK);
        }

        Orders.place("rebinding");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deliveries(id)).isNotEmpty());
        List<Map<String, Object>> log = Webhooks.deliveries(id);
        Map<String, Object> first = log.get(log.size() - 1);
        assertThat(first).containsEntry("status", "failed").containsEntry("attempt", 1);
        assertThat(first.get("responseStatus")).isNull();
        assertThat((String) first.get("error")).startsWith("Refused target");
        assertThat(receiver.requests(local)).isEmpty();
    }
}

package dev.tidings.config;

import dev.tidings.support.Api;
import dev.tidings.support.ConfigOverrideProfile;
import dev.tidings.support.Database;
import dev.tidings.support.Metrics;
import dev.tidings.support.Orders;
import dev.tidings.support.SseClient;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Quotas (CONTRACT §10, §14): what a caller may hold is bounded, and a refusal says so clearly. */
@QuarkusTest
@TestProfile(LimitsTest.SmallLimits.class)
class LimitsTest {

    public static class SmallLimits extends ConfigOverrideProfile {
        public SmallLimits() {
            super(Map.of("events.limits.subscriptions-per-account", "5",
                    "events.limits.streams-per-key", "2",
                    "events.limits.streams-per-instance", "3",
                    "events.limits.page-bytes", "4096"));
        }
    }

    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void subscriptionsBeyondTheQuotaAre409AndNothingIsWritten() {
        Database.update("delete from webhook_subscription");
        for (int i = 0; i < 5; i++) {
            Webhooks.subscribe(receiver.newEndpoint(), List.of("order.created"));
        }
        Api.given().body(Map.of("url", receiver.newEndpoint(), "eventTypes", List.of("order.created"))).post("/webhooks").then()
                .statusCode(409).contentType("application/problem+json");
        assertThat(Database.count("select count(*) from webhook_subscription")).isEqualTo(5);
    }

    @Test
    void rotationsAreBoundedWhileOldSecretsStillSign() {
        String id = Webhooks.subscribe(receiver.newEndpoint(), List.of("order.created")).getString("id");
        for (int i = 0; i < 4; i++) {
            Api.given().post("/webhooks/{id}/secret/rotation", id).then().statusCode(200);
        }
        Api.given().post("/webhooks/{id}/secret/rotation", id).then().statusCode(409).contentType("application/problem+json");
        assertThat(Database.count("select count(*) from webhook_secret where webhook_id = ?::uuid", id)).isEqualTo(5);
    }

    @Test
    void streamsPerKeyAre429AndAFullInstanceIs503WithRetryAfter() throws IOException {
        List<SseClient> open = new ArrayList<>();
        try {
            open.add(stream(Api.KEY));
            open.add(stream(Api.KEY));
            SseClient third = stream(Api.KEY);
            open.add(third);
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.header("retry-after")).isNotNull();

            open.add(stream("second-test-key"));
            SseClient overInstance = stream("second-test-key");
            open.add(overInstance);
            assertThat(overInstance.status()).isEqualTo(503);
            assertThat(overInstance.header("retry-after")).isNotNull();
            assertThat(open.subList(0, 2)).allSatisfy(client -> assertThat(client.status()).isEqualTo(200));
            assertThat(open.get(3).status()).isEqualTo(200);
            assertThat(Metrics.value("events_sse_connections")).as("refused streams leave no listener behind").isEqualTo(3);
        } finally {
            for (SseClient client : open) {
                client.close();
            }
        }
    }

    @Test
    void eventLogPagesStopAtTheByteBudgetAndLoseNothing() {
        String customer = "page-bytes";
        Set<String> placed = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            placed.add(Orders.place(customer));
        }
        Database.awaitNothingPending(WebhookReceiver.PATIENCE);
        long from = Database.lastSequence() - 12;

        Set<String> seen = new HashSet<>();
        String after = Long.toString(from);
        int pages = 0;
        while (after != null && pages < 20) {
            var page = Api.given().queryParam("after", after).queryParam("limit", 1000).queryParam("types", "order.created")
                    .get("/events").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> items = page.getList("items");
            assertThat(items.toString().length()).as("a page stays near the 4 KiB budget").isLessThan(3 * 4096);
            items.forEach(item -> seen.add(String.valueOf(((Map<?, ?>) ((Map<?, ?>) item.get("event")).get("data")).get("orderId"))));
            after = page.getString("next");
            pages++;
        }
        assertThat(pages).isGreaterThan(1);
        assertThat(seen).containsAll(placed);
    }

    private static SseClient stream(String key) throws IOException {
        return SseClient.connectWithoutReading(RestAssured.port, "/events/stream", Map.of("Authorization", "Bearer " + key));
    }
}

package dev.tidings.webhook.delivery;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.Metrics;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.WebhookReceiver.Received;
import dev.tidings.support.Webhooks;
import dev.tidings.support.Webhooks.Subscribed;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tidings.support.WebhookReceiver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/**
 * Retries, timeouts, the dead-letter queue and deactivation, with the test schedule 1s,2s (three
 * attempts in all), a 1s timeout and deactivation after 5 consecutive failures.
 */
@QuarkusTest
class WebhookRetryTest {

    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    /** A subscription whose receiver answers 500 to everything. */
    private static Subscribed failingSubscription(String... eventTypes) {
        Subscribed subscription = Webhooks.subscribeNewEndpoint(receiver, eventTypes);
        receiver.alwaysFail(subscription.url());
        return subscription;
    }

    @Test
    void aReceiverThatFailsTwiceThenSucceedsGetsExactlyThreeAttemptsAtTheScheduledSpacing() {
        Subscribed hook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        receiver.respond(hook.url(), 500, 503);
        Orders.place("flaky");

        List<Received> attempts = receiver.awaitRequests(hook.url(), 3);
        assertThat(attempts).extracting(r -> r.header("webhook-id")).containsOnly(attempts.get(0).header("webhook-id"));
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).isBetween(Duration.ofMillis(1000), Duration.ofMillis(2500));
        assertThat(Duration.between(attempts.get(1).at(), attempts.get(2).at())).isBetween(Duration.ofMillis(2000), Duration.ofMillis(3700));

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deliveries(hook.id())).hasSize(3));
        List<Map<String, Object>> log = Webhooks.deliveries(hook.id());
        assertThat(log).extracting(a -> a.get("attempt")).containsExactly(3, 2, 1);
        assertThat(log).extracting(a -> a.get("status")).containsExactly("succeeded", "failed", "failed");
        assertThat(log).extracting(a -> a.get("responseStatus")).containsExactly(200, 503, 500);
        assertThat(log.get(1).get("nextAttemptAt")).isNotNull();
        assertThat(log.get(0).get("nextAttemptAt")).isNull();
        // A success ends the delivery: nothing more arrives.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests(hook.url()).size() == 3);
    }

    @Test
    void theDeliveryLogFiltersByStatus() {
        Subscribed hook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        receiver.respond(hook.url(), 500);
        Orders.place("log-filter");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deliveries(hook.id())).extracting(a -> a.get("status"))
                .containsExactly("succeeded", "failed"));

        Api.given().queryParam("status", "failed").get("/webhooks/{id}/deliveries", hook.id()).then().statusCode(200)
                .body("items.status", equalTo(List.of("failed"))).body("items.attempt", equalTo(List.of(1)));
        Api.given().queryParam("status", "succeeded").get("/webhooks/{id}/deliveries", hook.id()).then().statusCode(200)
                .body("items.status", equalTo(List.of("succeeded"))).body("items.attempt", equalTo(List.of(2)));
        Api.given().queryParam("status", "dead").get("/webhooks/{id}/deliveries", hook.id()).then().statusCode(200)
                .body("items", equalTo(List.of()));
        Api.given().queryParam("status", "pending").get("/webhooks/{id}/deliveries", hook.id()).then().statusCode(400)
                .body("errors[0].field", equalTo("status"));
    }

    @Test
    void aResponseSlowerThanTheTimeoutIsAFailedAttempt() {
        Subscribed hook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        receiver.respondSlowly(hook.url(), 200, Duration.ofMillis(2500));
        Orders.place("slow");

        receiver.awaitRequests(hook.url(), 2);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deliveries(hook.id())).hasSize(2));
        Map<String, Object> first = Webhooks.deliveries(hook.id()).get(1);
        assertThat(first.get("status")).isEqualTo("failed");
        assertThat((String) first.get("error")).contains("Timed out");
        assertThat(first.get("responseStatus")).isNull();
        assertThat(Webhooks.deliveries(hook.id()).get(0).get("status")).isEqualTo("succeeded");
    }

    @Test
    void anAlwaysFailingReceiverEndsInTheDeadLetterQueueAndAReplayDeliversItOnceItRecovers() {
        Subscribed failing = failingSubscription("order.created");
        String url = failing.url();
        String id = failing.id();
        double parkedBefore = Metrics.value("events_dead_letters_total");
        Orders.place("dead");

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deadLetters(id)).hasSize(1));
        Map<String, Object> deadLetter = Webhooks.deadLetters(id).get(0);
        assertThat(deadLetter).containsEntry("reason", "retries_exhausted").containsEntry("attempts", 3)
                .containsEntry("lastResponseStatus", 500).containsEntry("webhookId", id).containsEntry("eventType", "order.created");
        assertThat(receiver.requests(url)).hasSize(3);
        Map<String, Object> last = Webhooks.deliveries(id).get(0);
        assertThat(last).containsEntry("status", "dead").containsEntry("attempt", 3);
        assertThat(last.get("nextAttemptAt")).isNull();
        Api.given().get("/webhooks/{id}", id).then().body("status", equalTo("active"));
        assertThat(Metrics.value("events_dead_letters_total")).isEqualTo(parkedBefore + 1);
        awaitWaitingGaugeMatchesTheQueue();

        receiver.recover(url);
        Api.given().post("/dead-letters/{id}/replay", deadLetter.get("id")).then().statusCode(202);
        List<Received> requests = receiver.awaitRequests(url, 4);
        assertThat(requests.get(3).header("webhook-id")).isEqualTo(requests.get(0).header("webhook-id"));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deadLetters(id)).isEmpty());
        await().atMost(PATIENCE).until(() -> "succeeded".equals(Webhooks.deliveries(id).get(0).get("status")));
        Api.given().post("/dead-letters/{id}/replay", deadLetter.get("id")).then().statusCode(404);
        awaitWaitingGaugeMatchesTheQueue();
    }

    @Test
    void deadLettersFilterByWebhookAndEventType() {
        Subscribed created = failingSubscription("order.created");
        Subscribed paid = failingSubscription("order.payment_received");
        Orders.pay(Orders.place("dead-filters"));
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(Webhooks.deadLetters(created.id())).hasSize(1);
            assertThat(Webhooks.deadLetters(paid.id())).hasSize(1);
        });

        Api.given().queryParam("webhookId", created.id()).get("/dead-letters").then().statusCode(200)
                .body("items.webhookId", everyItem(equalTo(created.id())))
                .body("items.eventType", equalTo(List.of("order.created")));
        Api.given().queryParam("eventType", "order.payment_received").queryParam("limit", 1000).get("/dead-letters").then()
                .statusCode(200)
                .body("items.eventType", everyItem(equalTo("order.payment_received")))
                .body("items.webhookId", hasItem(paid.id())).body("items.webhookId", not(hasItem(created.id())));
        Api.given().queryParam("eventType", "order.*").queryParam("limit", 1000).get("/dead-letters").then()
                .statusCode(200).body("items.webhookId", hasItem(created.id())).body("items.webhookId", hasItem(paid.id()));
    }

    /** The gauge follows the queue: re-read after each park and replay, and regularly (every 10 s) besides. */
    private static void awaitWaitingGaugeMatchesTheQueue() {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Metrics.value("events_dead_letters_waiting"))
                .isEqualTo((double) Database.count("select count(*) from dead_letter")));
    }

    @Test
    void theFifthConsecutiveFailureDisablesTheSubscriptionAndEmitsWebhookDisabled() throws Exception {
        Subscribed subscription = failingSubscription("order.*");
        String failing = subscription.url();
        String id = subscription.id();
        String watcher = receiver.newEndpoint();
        Webhooks.subscribe(watcher, List.of("webhook.disabled"));
        String orderId = Orders.place("disable");
        Orders.pay(orderId);

        await().atMost(PATIENCE).untilAsserted(() ->
                Api.given().get("/webhooks/{id}", id).then().body("status", equalTo("disabled")));
        // The fifth failure disables it; an attempt already in flight may still finish (CONTRACT §6).
        await().during(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> !receiver.requests(failing).isEmpty());
        int attemptsWhenDisabled = receiver.requests(failing).size();
        assertThat(attemptsWhenDisabled).isBetween(5, 6);

        Received notice = receiver.awaitRequests(watcher, 1).stream()
                .filter(r -> r.body().contains(id)).findFirst().orElseThrow();
        var event = notice.json();
        assertThat(event.get("eventType").asText()).isEqualTo("webhook.disabled");
        assertThat(event.get("subject").asText()).isEqualTo("webhook/" + id);
        assertThat(event.at("/data/reason").asText()).isEqualTo("consecutive_failures");
        assertThat(event.at("/data/consecutiveFailures").asInt()).isEqualTo(5);
        assertThat(event.at("/data/url").asText()).isEqualTo(failing);
        Api.given().queryParam("subject", "webhook/" + id).get("/events").then()
                .body("items.event.eventType", hasItem("webhook.disabled"));

        List<Map<String, Object>> deadLetters = Webhooks.deadLetters(id);
        assertThat(deadLetters).isNotEmpty();
        assertThat(deadLetters).extracting(d -> d.get("reason")).contains("subscription_disabled");
        Api.given().post("/dead-letters/{id}/replay", deadLetters.get(0).get("id")).then().statusCode(409)
                .contentType("application/problem+json");
        // Nothing more is attempted for a disabled subscription.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> receiver.requests(failing).size() == attemptsWhenDisabled);

        // Re-enabling resets the streak; a bulk replay sends the parked deliveries again.
        receiver.recover(failing);
        Api.given().body(Map.of("status", "active")).patch("/webhooks/{id}", id).then().statusCode(200)
                .body("status", equalTo("active")).body("secret", nullValue());
        int parked = deadLetters.size();
        Api.given().body(Map.of("webhookId", id)).post("/dead-letters/replay").then().statusCode(202)
                .body("replayed", equalTo(parked));
        receiver.awaitRequests(failing, attemptsWhenDisabled + parked);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deadLetters(id)).isEmpty());
    }

    @Test
    void disablingByHandParksPendingDeliveriesWithReasonManual() {
        Subscribed failing = failingSubscription("order.created");
        String id = failing.id();
        Orders.place("manual");
        receiver.awaitRequests(failing.url(), 1);

        Api.given().body(Map.of("status", "disabled")).patch("/webhooks/{id}", id).then().statusCode(200)
                .body("status", equalTo("disabled"));
        assertThat(Webhooks.deadLetters(id)).singleElement().satisfies(d -> assertThat(d).containsEntry("reason", "subscription_disabled"));
        await().atMost(PATIENCE).untilAsserted(() -> Api.given().queryParam("subject", "webhook/" + id).get("/events").then()
                .body("items.event.data.reason", hasItem("manual")));
    }

    @Test
    void deletingASubscriptionCancelsItsRetriesAndRemovesItsDeadLetters() {
        Subscribed failing = failingSubscription("order.created");
        String url = failing.url();
        String id = failing.id();
        // A first event exhausts its attempts (three) and is parked ...
        Orders.place("deleted-dead");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Webhooks.deadLetters(id)).hasSize(1));
        Object deadLetter = Webhooks.deadLetters(id).get(0).get("id");
        assertThat(Database.count("select count(*) from dead_letter where webhook_id = ?::uuid", id)).isEqualTo(1);
        // ... a second one has failed once and waits for its retry.
        Orders.place("deleted-pending");
        receiver.awaitRequests(url, 4);

        Api.given().delete("/webhooks/{id}", id).then().statusCode(204);
        int attemptsAtDeletion = receiver.requests(url).size();
        Api.given().get("/webhooks/{id}", id).then().statusCode(404);
        Api.given().get("/webhooks/{id}/deliveries", id).then().statusCode(404);
        assertThat(Webhooks.deadLetters(id)).isEmpty();
        assertThat(Database.count("select count(*) from dead_letter where webhook_id = ?::uuid", id)).isZero();
        Api.given().post("/dead-letters/{id}/replay", deadLetter).then().statusCode(404);
        // The retry that was due (1 s after the failure) never comes.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests(url).size() == attemptsAtDeletion);
    }
}

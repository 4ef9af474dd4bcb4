package dev.tidings.webhook.delivery;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.WebhookReceiver.Received;
import dev.tidings.support.Webhooks;
import dev.tidings.support.Webhooks.Subscribed;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Receivers are listened to (CONTRACT §6): 410 Gone disables at once; 429 and 503 with Retry-After
 * postpone the next attempt at least that long and are not held against the subscription. The test
 * schedule retries after 1 s and 2 s.
 */
@QuarkusTest
class WebhookEtiquetteTest {

    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void goneDisablesTheSubscriptionAfterOneAttempt() {
        Subscribed hook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        receiver.respond(hook.url(), 410);
        Orders.place("gone");

        await().atMost(WebhookReceiver.PATIENCE).untilAsserted(() ->
                Api.given().get("/webhooks/{id}", hook.id()).then().body("status", equalTo("disabled")));
        Orders.place("gone-after");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> receiver.requests(hook.url()).size() == 1);

        List<Map<String, Object>> log = Webhooks.deliveries(hook.id());
        assertThat(log).hasSize(1);
        assertThat(log.get(0)).containsEntry("status", "dead").containsEntry("responseStatus", 410);
        assertThat(Webhooks.deadLetters(hook.id())).singleElement().satisfies(letter ->
                assertThat(letter).containsEntry("reason", "subscription_disabled").containsEntry("lastResponseStatus", 410));
        Api.given().queryParam("subject", "webhook/" + hook.id()).queryParam("types", "webhook.disabled").get("/events").then()
                .statusCode(200).body("items.event.data.reason", hasItem("gone"));
    }

    @Test
    void retryAfterInSecondsPostponesTheNextAttemptBeyondTheSchedule() {
        Subscribed hook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        receiver.respondWith(hook.url(), 503, Map.of("Retry-After", "3"));
        Orders.place("retry-after-seconds");

        List<Received> requests = receiver.awaitRequests(hook.url(), 2, WebhookReceiver.PATIENCE);
        assertThat(Duration.between(requests.get(0).at(), requests.get(1).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        Map<String, Object> first = Webhooks.deliveries(hook.id()).get(1);
        assertThat(first).containsEntry("status", "failed").containsEntry("responseStatus", 503);
        assertThat((String) first.get("error")).contains("Retry-After 3 s");
    }

    @Test
    void retryAfterAsAnHttpDatePostponesTheNextAttemptUntilThen() {
        String url = receiver.newEndpoint();
        // Whole seconds, well beyond the 1 s the schedule asks for.
        ZonedDateTime then = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(6).withNano(0);
        receiver.respondWith(url, 429, Map.of("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(then)));
        Webhooks.subscribe(url, List.of("order.created"));
        Orders.place("retry-after-date");

        List<Received> requests = receiver.awaitRequests(url, 2, WebhookReceiver.PATIENCE);
        assertThat(requests.get(1).at()).isAfterOrEqualTo(then.toInstant());
    }

    @Test
    void tooManyRequestsInARowDoNotDisableTheSubscription() {
        String url = receiver.newEndpoint();
        for (int i = 0; i < 6; i++) {
            receiver.respondWith(url, 429, Map.of("Retry-After", "1"));
        }
        String id = Webhooks.subscribe(url, List.of("order.created")).getString("id");
        Orders.place("throttled-1");
        Orders.place("throttled-2");

        // Two deliveries, three attempts each: six 429s, more than the five failures that disable.
        receiver.awaitRequests(url, 6, WebhookReceiver.PATIENCE);
        await().atMost(WebhookReceiver.PATIENCE).until(() -> Webhooks.deadLetters(id).size() == 2);
        assertThat(Database.strings("select status || ':' || consecutive_failures from webhook_subscription where id = ?::uuid", id))
                .containsExactly("active:0");
    }

    /**
     * The first requests take 700 ms to reach the receiver; the ones after them go straight through. A limit counted
     * from when requests leave would let the next ones arrive within a second of the late ones.
     */
    @Test
    void theRateLimitHoldsAtTheReceiverHoweverLateRequestsArrive() {
        int limit = 5;
        int events = 15;
        String url = receiver.newEndpoint();
        String id = Api.given().body(Map.of("url", url, "eventTypes", List.of("order.created"), "rateLimit", limit)).post("/webhooks")
                .then().statusCode(201).extract().path("id");
        Webhooks.remember(id);
        receiver.arriveLate(url, limit, Duration.ofMillis(700));
        for (int i = 0; i < events; i++) {
            Orders.place("arrives-late");
        }

        List<Received> requests = receiver.awaitRequests(url, events);
        assertThat(requests.stream().map(r -> r.header("webhook-id")).distinct()).hasSize(events);
        assertThat(WebhookReceiver.mostWithinOneSecond(requests)).isLessThanOrEqualTo(limit);
        await().atMost(WebhookReceiver.PATIENCE).untilAsserted(() ->
                assertThat(Webhooks.deliveries(id)).extracting(d -> d.get("status")).hasSize(events).containsOnly("succeeded"));
    }

    @Test
    void theRateLimitIsShownChangedAndCleared() {
        String url = receiver.newEndpoint();
        String id = Api.given().body(Map.of("url", url, "eventTypes", List.of("order.created"), "rateLimit", 5)).post("/webhooks")
                .then().statusCode(201).body("rateLimit", equalTo(5)).extract().path("id");
        Api.given().body(Map.of("description", "unchanged limit")).patch("/webhooks/{id}", id).then()
                .statusCode(200).body("rateLimit", equalTo(5));
        Api.given().body("{\"rateLimit\": null}").patch("/webhooks/{id}", id).then()
                .statusCode(200).body("rateLimit", equalTo(null));
        Api.given().body(Map.of("rateLimit", 0)).patch("/webhooks/{id}", id).then()
                .statusCode(400).contentType("application/problem+json");
        Api.given().delete("/webhooks/{id}", id).then().statusCode(204);
    }
}

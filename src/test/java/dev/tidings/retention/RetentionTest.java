package dev.tidings.retention;

import dev.tidings.support.Api;
import dev.tidings.support.ConfigOverrideProfile;
import dev.tidings.support.Orders;
import dev.tidings.support.SseClient;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Retention with a seconds-long setting (CONTRACT §12): old events leave the log and an old cursor is
 * 410 naming the oldest sequence held; new events are unaffected; an event a pending delivery or a dead
 * letter needs stays readable by id until they are done; dead letters leave in their turn.
 */
@QuarkusTest
@TestProfile(RetentionTest.ShortRetention.class)
class RetentionTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    public static class ShortRetention extends ConfigOverrideProfile {
        public ShortRetention() {
            super(Map.of("events.retention.events", "3s", "events.retention.deliveries", "3s", "events.retention.interval", "500ms",
                    // one failed attempt, then the retry waits far beyond the test: the delivery stays pending
                    "events.webhooks.retry-schedule", "1h"));
        }
    }

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void oldEventsLeaveTheLogAndAnOldCursorIsGone() throws Exception {
        String old = Orders.place("retention-old");
        await().atMost(PATIENCE).until(() -> sequenceOf(old) != null);
        long oldSequence = sequenceOf(old);
        String oldEvent = eventIdOf(old);

        await().atMost(PATIENCE).until(() -> Api.given().get("/events/{id}", oldEvent).statusCode() == 404);
        String fresh = Orders.place("retention-fresh");
        await().atMost(PATIENCE).until(() -> sequenceOf(fresh) != null);
        long floor = Api.given().queryParam("after", 0).queryParam("limit", 1).get("/events").then().statusCode(200)
                .extract().jsonPath().getLong("items[0].sequence");
        assertThat(floor).isGreaterThan(oldSequence);

        long beforeOld = oldSequence - 1; // the old event, removed, came after it
        Api.given().queryParam("after", beforeOld).get("/events").then().statusCode(410)
                .contentType("application/problem+json").body("oldestSequence", equalTo((int) floor));
        Api.given().queryParam("after", floor - 1).get("/events").then().statusCode(200);
        Api.given().get("/events").then().statusCode(200);
        Api.given().get("/orders/{id}/history", fresh).then().statusCode(200);
        try (SseClient stream = SseClient.connect(RestAssured.port, "/events/stream",
                Map.of("Authorization", "Bearer " + Api.KEY, "Last-Event-ID", Long.toString(beforeOld)))) {
            assertThat(stream.status()).isEqualTo(410);
        }
        assertThat(removed("events")).isPositive();
        assertThat(metricPresent("events_table_bytes")).isTrue();
        assertThat(metricPresent("events_log_oldest_sequence")).isTrue();
    }

    @Test
    void anEventStaysWhileAPendingDeliveryOrADeadLetterNeedsIt() {
        String url = receiver.newEndpoint();
        receiver.alwaysFail(url);
        Webhooks.Subscribed subscription = new Webhooks.Subscribed(url, Webhooks.subscribe(url, List.of("order.created")).getString("id"));
        String order = Orders.place("retention-pending");
        receiver.awaitRequests(url, 1);
        await().atMost(PATIENCE).until(() -> eventIdOf(order) != null);
        String event = eventIdOf(order);

        // long past its retention the event is out of the log, but its pending delivery still has it
        String later = Orders.place("retention-later");
        await().atMost(PATIENCE).until(() -> sequenceOf(order) == null && sequenceOf(later) != null);
        Api.given().get("/events/{id}", event).then().statusCode(200);

        // parked, it stays for the dead letter; once the dead letter expires, both are gone
        Api.given().body(Map.of("status", "disabled")).patch("/webhooks/{id}", subscription.id()).then().statusCode(200);
        Api.given().get("/events/{id}", event).then().statusCode(200);
        await().atMost(PATIENCE).until(() -> Webhooks.deadLetters(subscription.id()).isEmpty()
                && Api.given().get("/events/{id}", event).statusCode() == 404);
        assertThat(removed("dead_letters")).isPositive();
        assertThat(removed("attempts")).isPositive();
    }

    private static Long sequenceOf(String orderId) {
        List<Long> sequences = Api.given().queryParam("subject", "order/" + orderId).get("/events").then().statusCode(200)
                .extract().jsonPath().getList("items.sequence", Long.class);
        return sequences.isEmpty() ? null : sequences.get(0);
    }

    private static String eventIdOf(String orderId) {
        List<String> ids = Api.given().queryParam("subject", "order/" + orderId).get("/events").then().statusCode(200)
                .extract().jsonPath().getList("items.event.eventId", String.class);
        return ids.isEmpty() ? null : ids.get(0);
    }

    private static double removed(String table) {
        String exposition = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher sample = Pattern.compile("(?m)^events_retention_removed_total\\{[^}]*table=\"" + table + "\"[^}]*} (\\S+)$").matcher(exposition);
        return sample.find() ? Double.parseDouble(sample.group(1)) : 0;
    }

    private static boolean metricPresent(String name) {
        return RestAssured.get("/q/metrics").then().extract().asString().contains("\n" + name);
    }
}

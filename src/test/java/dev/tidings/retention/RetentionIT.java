package dev.tidings.retention;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import dev.tidings.support.SseClient;
import dev.tidings.support.WebhookReceiver;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
@Tag("processes")
class RetentionIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("retention-it.log");

    private ServiceProcess service;

    /**
     * A service whose retention is a few seconds (events 10 s: longer than a fresh instance takes to join the
     * fan-out's consumer group, so no event expires before its deliveries exist); the retry after a failed
     * attempt waits far beyond the test.
     */
    @BeforeEach
    void startWithShortRetention() throws Exception {
        service = services.start(ServiceProcesses.webhookEnvironment("EVENTS_RETENTION_EVENTS", "10s",
                "EVENTS_RETENTION_DELIVERIES", "3s", "EVENTS_RETENTION_INTERVAL", "500ms", "EVENTS_WEBHOOKS_RETRY_SCHEDULE", "1h"));
        // a subscription left by an earlier test would keep events for its pending deliveries
        Database.update("delete from webhook_subscription");
    }

    @Test
    void oldEventsLeaveTheLogAndAnOldCursorIsGone() throws Exception {
        String old = place("retention-old");
        await().atMost(PATIENCE).until(() -> sequenceOf(old) != null);
        long oldSequence = sequenceOf(old);
        String oldEvent = eventIdOf(old);

        await().atMost(PATIENCE).until(() -> service.request().get("/events/{id}", oldEvent).statusCode() == 404);
        String fresh = place("retention-fresh");
        await().atMost(PATIENCE).until(() -> sequenceOf(fresh) != null);
        long floor = service.request().queryParam("after", 0).queryParam("limit", 1).get("/events").then().statusCode(200)
                .extract().jsonPath().getLong("items[0].sequence");
        assertThat(floor).isGreaterThan(oldSequence);

        long beforeOld = oldSequence - 1; // the old event, removed, came after it
        service.request().queryParam("after", beforeOld).get("/events").then().statusCode(410)
                .contentType("application/problem+json").body("oldestSequence", equalTo((int) floor));
        service.request().queryParam("after", floor - 1).get("/events").then().statusCode(200);
        service.request().get("/events").then().statusCode(200);
        service.request().get("/orders/{id}/history", fresh).then().statusCode(200);
        try (SseClient stream = SseClient.connect(service.port(), "/events/stream",
                Map.of("Authorization", "Bearer " + Api.KEY, "Last-Event-ID", Long.toString(beforeOld)))) {
            assertThat(stream.status()).isEqualTo(410);
        }
        assertThat(removed("events")).isPositive();
        assertThat(metricPresent("events_table_bytes")).isTrue();
        assertThat(metricPresent("events_log_oldest_sequence")).isTrue();
    }

    @Test
    void anEventStaysWhileAPendingDeliveryOrADeadLetterNeedsIt() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String url = receiver.newEndpoint();
            receiver.alwaysFail(url);
            String subscription = services.subscribe(service, url, List.of("order.created"));
            String order = place("retention-pending");
            receiver.awaitRequests(url, 1);
            await().atMost(PATIENCE).until(() -> eventIdOf(order) != null);
            String event = eventIdOf(order);

            // long past its retention the event is out of the log, but its pending delivery still has it; the log goes
            // on (an event written after it is listed: written before, it could leave the log in the same pass)
            await().atMost(PATIENCE).until(() -> sequenceOf(order) == null);
            String later = place("retention-later");
            await().atMost(PATIENCE).until(() -> sequenceOf(later) != null);
            service.request().get("/events/{id}", event).then().statusCode(200);

            // parked, it stays for the dead letter; once the dead letter expires, both are gone
            service.request().body(Map.of("status", "disabled")).patch("/webhooks/{id}", subscription).then().statusCode(200);
            service.request().get("/events/{id}", event).then().statusCode(200);
            await().atMost(PATIENCE).until(() -> service.request().queryParam("webhookId", subscription).get("/dead-letters").then()
                    .extract().jsonPath().getList("items").isEmpty() && service.request().get("/events/{id}", event).statusCode() == 404);
            assertThat(removed("dead_letters")).isPositive();
            assertThat(removed("attempts")).isPositive();
        }
    }

    private String place(String customer) {
        return service.request().body(Orders.newOrder(customer)).post("/orders").then().statusCode(201).extract().path("id");
    }

    private Long sequenceOf(String orderId) {
        List<Long> sequences = service.request().queryParam("subject", "order/" + orderId).get("/events").then().statusCode(200)
                .extract().jsonPath().getList("items.sequence", Long.class);
        return sequences.isEmpty() ? null : sequences.get(0);
    }

    private String eventIdOf(String orderId) {
        List<String> ids = service.request().queryParam("subject", "order/" + orderId).get("/events").then().statusCode(200)
                .extract().jsonPath().getList("items.event.eventId", String.class);
        return ids.isEmpty() ? null : ids.get(0);
    }

    private double removed(String table) {
        String exposition = RestAssured.given().baseUri(service.baseUri()).get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher sample = Pattern.compile("(?m)^events_retention_removed_total\\{[^}]*table=\"" + table + "\"[^}]*} (\\S+)$").matcher(exposition);
        return sample.find() ? Double.parseDouble(sample.group(1)) : 0;
    }

    private boolean metricPresent(String name) {
        return RestAssured.given().baseUri(service.baseUri()).get("/q/metrics").then().extract().asString().contains("\n" + name);
    }
}

package dev.tidings.webhook.delivery;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.tidings.support.WebhookReceiver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * {@code POST /webhooks/{id}/recovery} (CONTRACT §6): the events of a time window, again, as fresh
 * deliveries in log order. Other tests share the database, so every window is drawn tightly around
 * the test's own events: from the first one's timestamp to just after the last one's.
 */
@QuarkusTest
class RecoveryTest {

    /** Orders placed while disabled: enough that ids in random order would hardly ever happen to be in log order. */
    private static final int MISSED = 6;
    /** Long enough for a delivery that should not come to have come. */
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void afterADisabledPeriodARecoverySendsWhatTheSubscriptionMissedOnceEachInLogOrder() {
        Subscribed hook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        String watcher = Webhooks.subscribeNewEndpoint(receiver, "order.*").url();

        setStatus(hook.id(), "disabled");
        List<String> orders = IntStream.rangeClosed(1, MISSED).mapToObj(i -> Orders.place("recovery-" + i)).toList();
        Orders.pay(orders.get(0));
        // the watcher has them all, so the fan-out has seen them while the subscription was disabled
        await().atMost(PATIENCE).until(() -> about(receiver.requests(watcher), orders).size() == MISSED + 1);
        setStatus(hook.id(), "active");
        List<Received> events = about(receiver.requests(watcher), orders);
        List<String> created = events.stream().filter(r -> type(r).equals("order.created")).map(RecoveryTest::eventId).toList();
        assertThat(created).hasSize(MISSED);
        assertThat(receiver.requests(hook.url())).isEmpty();
        assertThat(Database.count("select count(*) from webhook_delivery where webhook_id = ?", UUID.fromString(hook.id()))).isZero();

        int recovering = recover(hook.id(), since(events), until(events));

        assertThat(recovering).isEqualTo(MISSED);
        await().atMost(PATIENCE).until(() -> receiver.requests(hook.url()).size() >= MISSED);
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> receiver.requests(hook.url()).size() == MISSED);
        assertThat(countsByWebhookId(receiver.requests(hook.url()))).containsOnlyKeys(created).allSatisfy((eventId, count) ->
                assertThat(count).as("requests with webhook-id %s", eventId).isEqualTo(1));
        assertThat(receiver.requests(hook.url())).allSatisfy(r -> assertThat(type(r)).isEqualTo("order.created"));
        List<String> sequencesByDeliveryId = Database.strings("select o.sequence from webhook_delivery d "
                + "join outbox o on o.event_id = d.event_id where d.webhook_id = ? order by d.id", UUID.fromString(hook.id()));
        List<String> sequencesInLog = Database.strings("select sequence from outbox where event_id = any(?::uuid[]) order by sequence",
                (Object) created.toArray(String[]::new));
        assertThat(sequencesByDeliveryId).as("the deliveries' sequences, in the order of their ids").hasSize(MISSED)
                .isEqualTo(sequencesInLog);
    }

    /**
     * Three events: one missed while disabled, one delivered, one dead-lettered. The two with a delivery
     * already are reset, and all three sort in log order, the missed one (a new row) first.
     */
    @Test
    void aRecoverySendsADeliveredEventAgainAndTakesADeadLetterOutOfTheQueue() {
        Subscribed hook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        String watcher = Webhooks.subscribeNewEndpoint(receiver, "order.created").url();
        setStatus(hook.id(), "disabled");
        List<String> missedOrder = List.of(Orders.place("recovery-missed"));
        // the fan-out has seen it while the subscription was disabled once the watcher has it
        await().atMost(PATIENCE).until(() -> about(receiver.requests(watcher), missedOrder).size() == 1);
        JsonNode missed = about(receiver.requests(watcher), missedOrder).get(0).json();
        setStatus(hook.id(), "active");
        Orders.place("recovered-again");
        String delivered = eventId(receiver.awaitRequests(hook.url(), 1).get(0));
        receiver.alwaysFail(hook.url());
        Orders.place("recovered-from-the-dead-letters");
        await().atMost(PATIENCE).until(() -> Webhooks.deadLetters(hook.id()).size() == 1);
        receiver.recover(hook.url());
        Received parked = receiver.requests(hook.url()).get(receiver.requests(hook.url()).size() - 1);
        assertThat(Webhooks.deadLetters(hook.id()).get(0)).containsEntry("eventId", eventId(parked));
        int before = receiver.requests(hook.url()).size();

        int recovering = recover(hook.id(), missed.get("timestamp").asText(), until(List.of(parked)));

        assertThat(recovering).isEqualTo(3);
        assertThat(Webhooks.deadLetters(hook.id())).isEmpty();
        await().atMost(PATIENCE).until(() -> receiver.requests(hook.url()).size() >= before + 3);
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> receiver.requests(hook.url()).size() == before + 3);
        assertThat(receiver.requests(hook.url()).subList(before, before + 3)).extracting(r -> r.header("webhook-id"))
                .containsExactlyInAnyOrder(missed.get("eventId").asText(), delivered, eventId(parked));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Database.strings(
                "select status from webhook_delivery where webhook_id = ?", UUID.fromString(hook.id()))).containsOnly("succeeded").hasSize(3));
        assertThat(Webhooks.deadLetters(hook.id())).isEmpty();
        assertThat(Database.strings("select o.sequence from webhook_delivery d join outbox o on o.event_id = d.event_id "
                + "where d.webhook_id = ? order by d.id", UUID.fromString(hook.id())))
                .as("the deliveries' sequences, in the order of their ids").hasSize(3)
                .isSortedAccordingTo(Comparator.comparingLong(Long::parseLong));
    }

    @Test
    void aRecoveryNeverSendsASubscriptionTheNewsOfItsOwnDeactivation() {
        String url = receiver.newEndpoint();
        String watcher = receiver.newEndpoint();
        String id = Webhooks.subscribe(url, List.of("webhook.disabled")).getString("id");
        String watcherId = Webhooks.subscribe(watcher, List.of("webhook.disabled")).getString("id");
        setStatus(id, "disabled");
        setStatus(id, "active");
        Received news = receiver.awaitRequests(watcher, 1).stream().filter(r -> r.body().contains(id)).findFirst().orElseThrow();

        assertThat(recover(id, since(List.of(news)), until(List.of(news)))).isZero();
        assertThat(recover(watcherId, since(List.of(news)), until(List.of(news)))).isEqualTo(1);

        await().atMost(PATIENCE).until(() -> receiver.requests(watcher).stream().filter(r -> eventId(r).equals(eventId(news))).count() == 2);
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> receiver.requests(url).isEmpty());
    }

    @Test
    void aRecoveryIsRefusedWhileTheSubscriptionIsDisabled() {
        String url = receiver.newEndpoint();
        String id = Webhooks.subscribe(url, List.of("order.created")).getString("id");
        setStatus(id, "disabled");
        Map<String, String> window = Map.of("since", "2000-01-01T00:00:00.000Z", "until", "2000-01-01T00:00:00.001Z");

        Api.given().body(window).post("/webhooks/{id}/recovery", id).then().statusCode(409)
                .contentType("application/problem+json").body("status", equalTo(409));

        setStatus(id, "active");
        Api.given().body(window).post("/webhooks/{id}/recovery", id).then().statusCode(202).body("recovering", equalTo(0));
    }

    @Test
    void aRecoveryForAnUnknownSubscriptionIsA404() {
        Api.given().body(Map.of("since", "2000-01-01T00:00:00.000Z")).post("/webhooks/{id}/recovery", UUID.randomUUID())
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aMissingOrUnreadableSinceIsA400NamingIt() {
        String id = Webhooks.subscribe(receiver.newEndpoint(), List.of("order.created")).getString("id");
        for (Map<String, String> body : List.of(Map.of("until", "2026-01-01T00:00:00.000Z"), Map.of("since", "yesterday"),
                Map.of("since", "2026-13-01T00:00:00.000Z"))) {
            Api.given().body(body).post("/webhooks/{id}/recovery", id).then().statusCode(400)
                    .contentType("application/problem+json").body("errors.field", hasItem("since"));
        }
    }

    @Test
    void anUntilNotAfterSinceIsA400NamingIt() {
        String id = Webhooks.subscribe(receiver.newEndpoint(), List.of("order.created")).getString("id");
        for (String until : List.of("2026-01-01T00:00:00.000Z", "2025-12-31T23:59:59.999Z")) {
            Api.given().body(Map.of("since", "2026-01-01T00:00:00.000Z", "until", until)).post("/webhooks/{id}/recovery", id)
                    .then().statusCode(400).contentType("application/problem+json").body("errors.field", equalTo(List.of("until")));
        }
    }

    private static void setStatus(String id, String status) {
        Api.given().body(Map.of("status", status)).patch("/webhooks/{id}", id).then().statusCode(200).body("status", equalTo(status));
    }

    private static int recover(String id, String since, String until) {
        return Api.given().body(Map.of("since", since, "until", until)).post("/webhooks/{id}/recovery", id).then()
                .statusCode(202).extract().path("recovering");
    }

    /** The first event's timestamp: the window starts with it. */
    private static String since(List<Received> events) {
        return events.stream().map(RecoveryTest::timestamp).min(Comparator.naturalOrder()).orElseThrow().toString();
    }

    /** Just after the last event's timestamp: the window ends there (exclusive). */
    private static String until(List<Received> events) {
        return events.stream().map(RecoveryTest::timestamp).max(Comparator.naturalOrder()).orElseThrow().plusMillis(1).toString();
    }

    private static List<Received> about(List<Received> requests, List<String> orderIds) {
        return requests.stream().filter(r -> orderIds.stream().anyMatch(r.body()::contains)).toList();
    }

    private static Map<String, Long> countsByWebhookId(List<Received> requests) {
        return requests.stream().collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
    }

    private static Instant timestamp(Received request) {
        return Instant.parse(request.json().get("timestamp").asText());
    }

    private static String eventId(Received request) {
        return request.json().get("eventId").asText();
    }

    private static String type(Received request) {
        return request.json().get("eventType").asText();
    }
}

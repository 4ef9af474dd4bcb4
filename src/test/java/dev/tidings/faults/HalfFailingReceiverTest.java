package dev.tidings.faults;

import dev.tidings.support.Api;
import dev.tidings.support.ConfigOverrideProfile;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A receiver that fails half its requests, at random, over 100 events: every event ends delivered or
 * dead-lettered, never neither and never both. (The streak limit is raised so that the subscription
 * stays active: a disabled subscription rightly receives nothing more.)
 */
@QuarkusTest
@TestProfile(HalfFailingReceiverTest.PatientSubscriptions.class)
class HalfFailingReceiverTest {

    private static final int EVENTS = 100;

    public static class PatientSubscriptions extends ConfigOverrideProfile {
        public PatientSubscriptions() {
            super(Map.of("events.webhooks.disable-after-failures", "100000"));
        }
    }

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void everyEventEndsDeliveredOrDeadLetteredNeverBoth() {
        String url = receiver.newEndpoint();
        Random coin = new Random(42);
        receiver.respond(url, IntStream.generate(() -> coin.nextBoolean() ? 500 : 200).limit(EVENTS * 4L).toArray());
        String id = Webhooks.subscribe(url, List.of("order.created")).getString("id");
        UUID webhook = UUID.fromString(id);
        for (int i = 0; i < EVENTS; i++) {
            Orders.place("half-failing");
        }
        await().atMost(Duration.ofSeconds(90)).until(() ->
                Database.count("select count(*) from webhook_delivery where webhook_id = ?", webhook) == EVENTS
                        && Database.count("select count(*) from webhook_delivery where webhook_id = ? and status = 'pending'", webhook) == 0);

        Set<String> delivered = new HashSet<>(Database.strings(
                "select distinct event_id::text from webhook_attempt where webhook_id = ? and status = 'succeeded'", webhook));
        Set<String> dead = new HashSet<>(Api.given().queryParam("webhookId", id).queryParam("limit", 1000).get("/dead-letters")
                .then().statusCode(200).extract().jsonPath().getList("items.eventId", String.class));
        Set<String> all = new HashSet<>(Database.strings("select event_id::text from webhook_delivery where webhook_id = ?", webhook));

        assertThat(all).hasSize(EVENTS);
        assertThat(delivered).as("delivered and dead-lettered never both").doesNotContainAnyElementsOf(dead);
        Set<String> ended = new HashSet<>(delivered);
        ended.addAll(dead);
        assertThat(ended).as("every event delivered or dead-lettered").isEqualTo(all);
        assertThat(dead).as("with two retries some events fail three times in a row").isNotEmpty();
        JsonPath subscription = Api.given().get("/webhooks/{id}", id).then().statusCode(200).extract().jsonPath();
        assertThat(subscription.getString("status")).isEqualTo("active");
        System.out.printf("Half-failing receiver: %d delivered, %d dead-lettered of %d%n", delivered.size(), dead.size(), EVENTS);
    }
}

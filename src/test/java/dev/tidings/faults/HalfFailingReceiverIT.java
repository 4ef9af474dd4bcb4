package dev.tidings.faults;

import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import dev.tidings.support.WebhookReceiver;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
 * dead-lettered, never neither and never both (a packaged service with retries after 1 s and 2 s; the
 * streak limit is raised so that the subscription stays active: a disabled one rightly receives nothing
 * more).
 */
@Tag("processes")
class HalfFailingReceiverIT {

    private static final int EVENTS = 100;

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("half-failing-receiver-it.log");

    @Test
    void everyEventEndsDeliveredOrDeadLetteredNeverBoth() throws Exception {
        Map<String, String> environment = ServiceProcesses.webhookEnvironment(
                "EVENTS_WEBHOOKS_DISABLE_AFTER_FAILURES", "100000", "EVENTS_WEBHOOKS_RETRY_SCHEDULE", "1s,2s");
        ServiceProcess service = services.start(environment);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String url = receiver.newEndpoint();
            Random coin = new Random(42);
            receiver.respond(url, IntStream.generate(() -> coin.nextBoolean() ? 500 : 200).limit(EVENTS * 4L).toArray());
            String id = services.subscribe(service, url, List.of("order.created"));
            UUID webhook = UUID.fromString(id);
            for (int i = 0; i < EVENTS; i++) {
                service.request().body(Orders.newOrder("half-failing")).post("/orders").then().statusCode(201);
            }
            await().atMost(Duration.ofSeconds(90)).until(() ->
                    Database.count("select count(*) from webhook_delivery where webhook_id = ?", webhook) == EVENTS
                            && Database.count("select count(*) from webhook_delivery where webhook_id = ? and status = 'pending'", webhook) == 0);

            Set<String> delivered = new HashSet<>(Database.strings(
                    "select distinct event_id::text from webhook_attempt where webhook_id = ? and status = 'succeeded'", webhook));
            Set<String> dead = new HashSet<>(service.request().queryParam("webhookId", id).queryParam("limit", 1000).get("/dead-letters")
                    .then().statusCode(200).extract().jsonPath().getList("items.eventId", String.class));
            Set<String> all = new HashSet<>(Database.strings("select event_id::text from webhook_delivery where webhook_id = ?", webhook));

            assertThat(all).hasSize(EVENTS);
            assertThat(delivered).as("delivered and dead-lettered never both").doesNotContainAnyElementsOf(dead);
            Set<String> ended = new HashSet<>(delivered);
            ended.addAll(dead);
            assertThat(ended).as("every event delivered or dead-lettered").isEqualTo(all);
            assertThat(dead).as("with two retries some events fail three times in a row").isNotEmpty();
            JsonPath subscription = service.request().get("/webhooks/{id}", id).then().statusCode(200).extract().jsonPath();
            assertThat(subscription.getString("status")).isEqualTo("active");
            System.out.printf("Half-failing receiver: %d delivered, %d dead-lettered of %d%n", delivered.size(), dead.size(), EVENTS);
        }
    }
}

package dev.tidings.webhook.delivery;

import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.TestInfrastructure;
import dev.tidings.support.WebhookReceiver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the packaged service share one PostgreSQL and one Kafka broker: the fan-out's
 * consumer group and the workers' row claims split the work, and every event reaches the subscriber
 * exactly once.
 */
@Tag("processes")
class TwoInstancesIT {

    private static final Path LOG = Path.of("target", "two-instances-it.log");

    @BeforeAll
    static void infrastructure() throws Exception {
        TestInfrastructure.startOnce();
    }

    static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(TestInfrastructure.serviceEnvironment());
        env.put("EVENTS_WEBHOOKS_ALLOW_HTTP", "true");
        env.put("EVENTS_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true");
        return env;
    }

    @Test
    void everyEventIsDeliveredExactlyOncePerSubscription() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start();
             ServiceProcess first = ServiceProcess.start(environment(), 0, "/q/health/ready", LOG);
             ServiceProcess second = ServiceProcess.start(environment(), 0, "/q/health/ready", LOG)) {
            String url = receiver.newEndpoint();
            first.request().body(Map.of("url", url, "eventTypes", List.of("order.*"))).post("/webhooks").then().statusCode(201);

            List<ServiceProcess> instances = List.of(first, second);
            for (int i = 0; i < 60; i++) {
                ServiceProcess instance = instances.get(i % 2);
                String id = instance.request().body(Orders.newOrder("two-instances")).post("/orders").then().statusCode(201)
                        .extract().path("id");
                if (i % 3 == 0) {
                    instances.get((i + 1) % 2).request().body(Map.of("amount", 25.50, "reference", "r" + i))
                            .post("/orders/{id}/payments", id).then().statusCode(200);
                }
            }
            int expected = 60 + 20;
            receiver.awaitRequests(url, expected, Duration.ofSeconds(60));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> receiver.requests(url).size() == expected);

            Map<String, Long> perEvent = receiver.requests(url).stream()
                    .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
            assertThat(perEvent).hasSize(expected);
            assertThat(perEvent.values()).containsOnly(1L);
            Set<String> eventIds = perEvent.keySet();
            eventIds.forEach(eventId -> second.request().get("/events/{id}", eventId).then().statusCode(200));
        }
    }
}

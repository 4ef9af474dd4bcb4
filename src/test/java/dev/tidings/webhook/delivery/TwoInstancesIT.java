package dev.tidings.webhook.delivery;

import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import dev.tidings.support.WebhookReceiver;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
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

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("two-instances-it.log");

    @Test
    void everyEventIsDeliveredExactlyOncePerSubscription() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            ServiceProcess first = services.start(ServiceProcesses.webhookEnvironment());
            ServiceProcess second = services.start(ServiceProcesses.webhookEnvironment());
            String url = receiver.newEndpoint();
            services.subscribe(first, url, List.of("order.*"));

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

package dev.tidings.webhook.delivery;

import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.WebhookReceiver.Received;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscription's {@code rateLimit} holds over all replicas (CONTRACT §6): with two instances sending,
 * no one-second window at the receiver holds more requests than the limit, and every event still
 * arrives (held-back deliveries wait; they are never failed or dropped).
 */
@Tag("processes")
class RateLimitIT {

    private static final int LIMIT = 5;
    private static final int EVENTS = 40;

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("rate-limit-it.log");

    @Test
    void twoInstancesTogetherStayWithinTheRateLimit() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            ServiceProcess first = services.start(ServiceProcesses.webhookEnvironment());
            ServiceProcess second = services.start(ServiceProcesses.webhookEnvironment());
            String url = receiver.newEndpoint();
            String id = services.subscribe(first, url, List.of("order.created"));
            first.request().body(Map.of("rateLimit", LIMIT)).patch("/webhooks/{id}", id).then().statusCode(200);

            List<ServiceProcess> instances = List.of(first, second);
            for (int i = 0; i < EVENTS; i++) {
                instances.get(i % 2).request().body(Orders.newOrder("rate-limited")).post("/orders").then().statusCode(201);
            }
            List<Received> requests = receiver.awaitRequests(url, EVENTS, Duration.ofSeconds(60));

            assertThat(requests.stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet())).hasSize(EVENTS);
            assertThat(WebhookReceiver.mostWithinOneSecond(requests)).isLessThanOrEqualTo(LIMIT);
            assertThat(first.request().get("/webhooks/{id}/deliveries?limit=1000", id).then().statusCode(200)
                    .extract().jsonPath().getList("items.status", String.class)).containsOnly("succeeded");
        }
    }
}

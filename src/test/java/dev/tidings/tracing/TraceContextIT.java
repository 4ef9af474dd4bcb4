package dev.tidings.tracing;

import dev.tidings.support.Api;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.LocalReceiverProfile;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import dev.tidings.support.Webhooks.Subscribed;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged service, configured as in production without a collector, still carries the client's
 * trace to Kafka and to the receiver (CONTRACT §13).
 */
@QuarkusIntegrationTest
@TestProfile(LocalReceiverProfile.class)
class TraceContextIT {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void theClientsTraceReachesKafkaAndTheReceiver() {
        Subscribed webhook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        try (KafkaRecords orderTopic = KafkaRecords.of("events.order")) {
            String orderId = Api.given().header("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01")
                    .body(Orders.newOrder("traced-black-box")).post("/orders").then().statusCode(201).extract().path("id");

            ConsumerRecord<String, String> record = orderTopic.awaitKey("order/" + orderId, 1).get(0);
            Header published = record.headers().lastHeader("ce_traceparent");
            assertThat(published).isNotNull();
            TraceContext onKafka = TraceContext.parse(new String(published.value(), StandardCharsets.UTF_8), null);
            TraceContext received = TraceContext.parse(receiver.awaitRequests(webhook.url(), 1).get(0).header("traceparent"), null);
            assertThat(onKafka.traceId()).isEqualTo(TRACE_ID);
            assertThat(received.traceId()).isEqualTo(TRACE_ID);
            assertThat(received.traceparent()).isNotEqualTo(onKafka.traceparent());
        }
    }
}

package dev.tidings.tracing;

import dev.tidings.support.Api;
import dev.tidings.support.CollectedSpans;
import dev.tidings.support.ConfigOverrideProfile;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.WebhookReceiver.Received;
import dev.tidings.support.Webhooks;
import dev.tidings.support.Webhooks.Subscribed;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One trace from the API call to the receiver (CONTRACT §13): the request's span, the relay's publish
 * span and every webhook attempt's span share the client's trace id, each a child of the one before, and
 * the receiver and the Kafka record carry the context of the span that sent them.
 */
@QuarkusTest
@TestProfile(TracingTest.Traced.class)
class TracingTest {

    /** Spans go to the in-memory exporter, without waiting long for a batch. */
    public static class Traced extends ConfigOverrideProfile {
        public Traced() {
            super(Map.of("quarkus.otel.bsp.schedule.delay", "50ms"), CollectedSpans.class);
        }
    }

    private static final WebhookReceiver receiver = WebhookReceiver.shared();

    @Inject
    CollectedSpans spans;

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void oneOrderIsOneTraceFromTheRequestToTheWebhookAttempt() {
        Subscribed webhook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        String traceId = newTraceId();
        String clientSpanId = newSpanId();

        String orderId = placeOrder("00-" + traceId + "-" + clientSpanId + "-01");

        Received request = receiver.awaitRequests(webhook.url(), 1).get(0);
        SpanData server = spans.awaitSpan(traceId, span -> span.getKind() == SpanKind.SERVER && span.getName().contains("/orders"));
        SpanData publish = spans.awaitSpan(traceId, span -> span.getName().equals("publish events.order"));
        SpanData attempt = spans.awaitSpan(traceId, span -> span.getName().equals("webhook attempt"));
        assertThat(server.getParentSpanId()).isEqualTo(clientSpanId);
        assertThat(publish.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(attempt.getParentSpanId()).isEqualTo(publish.getSpanId());
        assertThat(attempt.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(attempt.getAttributes().get(TraceAttributes.SUBSCRIPTION_ID)).isEqualTo(webhook.id());
        assertThat(attempt.getAttributes().get(TraceAttributes.ATTEMPT)).isEqualTo(1L);
        assertThat(attempt.getAttributes().get(TraceAttributes.OUTCOME)).isEqualTo("succeeded");
        assertThat(attempt.getAttributes().get(TraceAttributes.EVENT_ID)).isEqualTo(request.header("webhook-id"));
        assertThat(request.header("traceparent")).isEqualTo("00-" + traceId + "-" + attempt.getSpanId() + "-01");
        assertThat(request.json().at("/data/orderId").asText()).isEqualTo(orderId);
    }

    @Test
    void theReceiverGetsTheTraceIdTheClientSentInASpanOfItsOwn() {
        Subscribed webhook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        String traceId = newTraceId();
        String clientSpanId = newSpanId();

        placeOrder("00-" + traceId + "-" + clientSpanId + "-01");

        TraceContext received = receivedTrace(receiver.awaitRequests(webhook.url(), 1).get(0));
        assertThat(received.traceId()).isEqualTo(traceId);
        assertThat(received.traceparent()).doesNotContain(clientSpanId);
    }

    @Test
    void theKafkaRecordCarriesThePublishSpanAsCeTraceparent() {
        String traceId = newTraceId();
        try (KafkaRecords orderTopic = KafkaRecords.of("events.order")) {
            String orderId = placeOrder("00-" + traceId + "-" + newSpanId() + "-01");

            ConsumerRecord<String, String> record = orderTopic.awaitKey("order/" + orderId, 1).get(0);
            SpanData publish = spans.awaitSpan(traceId, span -> span.getName().equals("publish events.order"));
            assertThat(header(record, "ce_traceparent")).isEqualTo("00-" + traceId + "-" + publish.getSpanId() + "-01");
            assertThat(publish.getAttributes().get(TraceAttributes.MESSAGE_ID)).isEqualTo(header(record, "ce_id"));
        }
    }

    @Test
    void anInvalidTraceparentIsIgnoredAndANewTraceStarts() {
        Subscribed webhook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        String ignoredTraceId = newTraceId();

        // An all-zero parent id is invalid (W3C Trace Context): the whole header is ignored
        placeOrder("00-" + ignoredTraceId + "-0000000000000000-01");

        TraceContext received = receivedTrace(receiver.awaitRequests(webhook.url(), 1).get(0));
        assertThat(received.traceId()).isNotEqualTo(ignoredTraceId).isNotEqualTo("0".repeat(32));
        SpanData server = spans.awaitSpan(received.traceId(), span -> span.getKind() == SpanKind.SERVER);
        assertThat(server.getParentSpanContext().isValid()).isFalse();
        assertThat(spans.inTrace(ignoredTraceId)).isEmpty();
    }

    @Test
    void everyAttemptOfADeliveryIsASpanOfTheSameTraceWithItsNumberAndOutcome() {
        Subscribed webhook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        receiver.respond(webhook.url(), 500);
        String traceId = newTraceId();

        placeOrder("00-" + traceId + "-" + newSpanId() + "-01");

        List<Received> requests = receiver.awaitRequests(webhook.url(), 2);
        SpanData first = spans.awaitSpan(traceId, span -> Long.valueOf(1).equals(span.getAttributes().get(TraceAttributes.ATTEMPT)));
        SpanData second = spans.awaitSpan(traceId, span -> Long.valueOf(2).equals(span.getAttributes().get(TraceAttributes.ATTEMPT)));
        assertThat(first.getAttributes().get(TraceAttributes.OUTCOME)).isEqualTo("failed");
        assertThat(first.getAttributes().get(TraceAttributes.HTTP_STATUS)).isEqualTo(500L);
        assertThat(second.getAttributes().get(TraceAttributes.OUTCOME)).isEqualTo("succeeded");
        assertThat(second.getParentSpanId()).isEqualTo(first.getParentSpanId());
        assertThat(requests).extracting(request -> receivedTrace(request).traceId()).containsOnly(traceId);
    }

    @Test
    void aTestPingIsSentInTheTraceOfTheRequestThatAskedForIt() {
        Subscribed webhook = Webhooks.subscribeNewEndpoint(receiver, "order.created");
        String traceId = newTraceId();

        Api.given().header("traceparent", "00-" + traceId + "-" + newSpanId() + "-01")
                .post("/webhooks/{id}/test", webhook.id()).then().statusCode(202);

        assertThat(receivedTrace(receiver.awaitRequests(webhook.url(), 1).get(0)).traceId()).isEqualTo(traceId);
    }

    private static String placeOrder(String traceparent) {
        return Api.given().header("traceparent", traceparent).body(Orders.newOrder("traced")).post("/orders")
                .then().statusCode(201).extract().path("id");
    }

    private static TraceContext receivedTrace(Received request) {
        TraceContext trace = TraceContext.parse(request.header("traceparent"), request.header("tracestate"));
        assertThat(trace).as("a valid traceparent header").isNotNull();
        return trace;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String newTraceId() {
        return HexFormat.of().formatHex(randomBytes(16));
    }

    private static String newSpanId() {
        return HexFormat.of().formatHex(randomBytes(8));
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        bytes[0] |= 1; // never all zeros, which W3C Trace Context refuses
        return bytes;
    }
}

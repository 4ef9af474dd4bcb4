package dev.tidings.tracing;

import dev.tidings.support.Api;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import dev.tidings.support.Webhooks.Subscribed;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.quarkus.arc.All;
import io.quarkus.opentelemetry.runtime.exporter.otlp.tracing.RemoveableLateBoundSpanProcessor;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code quarkus.otel.exporter.otlp.endpoint} (the tests' default configuration, as in production
 * until a collector is named), nothing is exported, yet the trace context still travels to the receiver.
 */
@QuarkusTest
class TracingWithoutCollectorTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Inject
    @All
    List<SpanProcessor> processors;

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void noSpanProcessorExportsAnything() {
        // The extension's OTLP processor stands in as its "removable" placeholder, which the SDK leaves out
        assertThat(processors).isNotEmpty().allMatch(processor -> processor instanceof RemoveableLateBoundSpanProcessor);
    }

    @Test
    void theTraceContextStillReachesTheReceiver() {
        Subscribed webhook = Webhooks.subscribeNewEndpoint(WebhookReceiver.shared(), "order.created");

        Api.given().header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01").body(Orders.newOrder("untraced"))
                .post("/orders").then().statusCode(201);

        String traceparent = WebhookReceiver.shared().awaitRequests(webhook.url(), 1).get(0).header("traceparent");
        assertThat(TraceContext.parse(traceparent, null)).extracting(TraceContext::traceId).isEqualTo(TRACE_ID);
    }
}

package dev.tidings.webhook.delivery;

import dev.tidings.tracing.TraceAttributes;
import dev.tidings.tracing.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One span per webhook attempt, a child of the event's trace (CONTRACT §13): the receiver gets its
 * context as {@code traceparent}, so the receiver's own spans join the trace under the attempt.
 */
@ApplicationScoped
class AttemptSpans {

    @Inject
    Tracer tracer;

    /** Starts the span of an attempt; {@code deliveryId} is null for a test ping. */
    Span start(Context parent, UUID webhookId, UUID deliveryId, UUID eventId, String eventType, int attempt, String url) {
        SpanBuilder span = tracer.spanBuilder("webhook attempt")
                .setSpanKind(SpanKind.CLIENT)
                .setParent(parent)
                .setAttribute(TraceAttributes.HTTP_METHOD, "POST")
                .setAttribute(TraceAttributes.SUBSCRIPTION_ID, webhookId.toString())
                .setAttribute(TraceAttributes.EVENT_ID, eventId.toString())
                .setAttribute(TraceAttributes.EVENT_TYPE, eventType)
                .setAttribute(TraceAttributes.ATTEMPT, attempt);
        String host = URI.create(url).getHost();
        if (host != null) {
            span.setAttribute(TraceAttributes.SERVER_ADDRESS, host);
        }
        if (deliveryId != null) {
            span.setAttribute(TraceAttributes.DELIVERY_ID, deliveryId.toString());
        }
        return span.startSpan();
    }

    /** The attempt's request headers: {@code extra} and the span's {@code traceparent} (and {@code tracestate}). */
    static Map<String, String> headers(Span span, Map<String, String> extra) {
        Map<String, String> headers = new HashMap<>(extra);
        TraceContext trace = TraceContext.of(Context.root().with(span));
        if (trace != null) {
            trace.write("", headers::put);
        }
        return headers;
    }

    /** Ends the span with the attempt's outcome; a failure of the attempt's own machinery ends it as an error. */
    static void end(Span span, AttemptResult result, Throwable failure) {
        if (result != null) {
            span.setAttribute(TraceAttributes.OUTCOME, result.outcome().wireName());
            if (result.responseStatus() != null) {
                span.setAttribute(TraceAttributes.HTTP_STATUS, result.responseStatus().longValue());
            }
            if (!result.succeeded()) {
                span.setStatus(StatusCode.ERROR, result.failure());
            }
        } else if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure.toString());
        }
        span.end();
    }
}

package dev.tidings.tracing;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A W3C trace context as it travels with an event (CONTRACT §13): the {@code traceparent} and, if any,
 * {@code tracestate} header values. It is stored with the event and its deliveries, carried on Kafka as
 * {@code ce_traceparent}/{@code ce_tracestate} and sent as {@code traceparent}/{@code tracestate}.
 * Values are always written and read by the W3C propagator itself, so an invalid one never survives.
 */
public record TraceContext(String traceparent, String tracestate) {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    /** The W3C limit; the columns hold no more, and a longer one is dropped rather than cut. */
    static final int TRACESTATE_MAX_LENGTH = 512;

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();

    /** The context of the current span; null outside any trace. */
    public static TraceContext current() {
        return of(Context.current());
    }

    /** The context of the span in {@code context}; null when it has none that is valid. */
    public static TraceContext of(Context context) {
        Map<String, String> carrier = new HashMap<>(2);
        W3C.inject(context, carrier, Map::put);
        String parent = carrier.get(TRACEPARENT);
        if (parent == null) {
            return null;
        }
        String state = carrier.get(TRACESTATE);
        return new TraceContext(parent, state == null || state.length() > TRACESTATE_MAX_LENGTH ? null : state);
    }

    /** Reads header values as a receiver would; null when the traceparent is missing or invalid. */
    public static TraceContext parse(String traceparent, String tracestate) {
        return traceparent == null ? null : of(new TraceContext(traceparent, tracestate).restore());
    }

    /** The parent for spans continuing this trace; without one (null), the root context: a new trace starts. */
    public static Context restore(TraceContext trace) {
        return trace == null ? Context.root() : trace.restore();
    }

    private Context restore() {
        Map<String, String> carrier = new HashMap<>(2);
        carrier.put(TRACEPARENT, traceparent);
        if (tracestate != null) {
            carrier.put(TRACESTATE, tracestate);
        }
        return W3C.extract(Context.root(), carrier, MapGetter.INSTANCE);
    }

    /** Writes the headers, named {@code prefix + "traceparent"} and, if there is a state, {@code prefix + "tracestate"}. */
    public void write(String prefix, BiConsumer<String, String> headers) {
        headers.accept(prefix + TRACEPARENT, traceparent);
        if (tracestate != null) {
            headers.accept(prefix + TRACESTATE, tracestate);
        }
    }

    /** The trace id (32 hex digits) of the traceparent. */
    public String traceId() {
        return traceparent.substring(3, 35);
    }

    private enum MapGetter implements TextMapGetter<Map<String, String>> {
        INSTANCE;

        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    }
}

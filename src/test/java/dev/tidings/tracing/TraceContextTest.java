package dev.tidings.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The W3C trace context as events carry it: only valid values survive, written back as they came. */
class TraceContextTest {

    private static final String VALID = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    void aValidTraceparentAndItsStateAreKeptAsTheyCame() {
        TraceContext trace = TraceContext.parse(VALID, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");

        assertThat(trace).isEqualTo(new TraceContext(VALID, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"));
        assertThat(trace.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    }

    @Test
    void invalidTraceparentsAreRefused() {
        assertThat(TraceContext.parse("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", null)).isNull();
        assertThat(TraceContext.parse("00-00000000000000000000000000000000-b7ad6b7169203331-01", null)).isNull();
        assertThat(TraceContext.parse("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null)).isNull();
        assertThat(TraceContext.parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b71692033-01", null)).isNull();
        assertThat(TraceContext.parse("not a traceparent", null)).isNull();
        assertThat(TraceContext.parse(null, "congo=t61rcWkgMzE")).isNull();
    }

    @Test
    void aTracestateLongerThanTheW3cLimitIsDroppedWhileTheTraceparentStays() {
        String longState = "a=" + "x".repeat(250) + ",b=" + "y".repeat(250) + ",c=" + "z".repeat(20);

        TraceContext trace = TraceContext.parse(VALID, longState);

        assertThat(longState.length()).isGreaterThan(TraceContext.TRACESTATE_MAX_LENGTH);
        assertThat(trace).isEqualTo(new TraceContext(VALID, null));
    }

    @Test
    void outsideAnySpanThereIsNoContextAndANewTraceStarts() {
        assertThat(TraceContext.current()).isNull();
        assertThat(Span.fromContext(TraceContext.restore(null)).getSpanContext().isValid()).isFalse();
        assertThat(TraceContext.of(Context.root())).isNull();
    }

    @Test
    void restoringGivesTheRemoteParentOfTheNextSpan() {
        Context parent = TraceContext.restore(TraceContext.parse(VALID, null));

        assertThat(Span.fromContext(parent).getSpanContext().getSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(Span.fromContext(parent).getSpanContext().isRemote()).isTrue();
    }

    @Test
    void headersAreWrittenWithThePrefixAndOnlyWithAState() {
        Map<String, String> headers = new TreeMap<>();
        new TraceContext(VALID, null).write("ce_", headers::put);
        assertThat(headers).containsExactly(Map.entry("ce_traceparent", VALID));
    }
}

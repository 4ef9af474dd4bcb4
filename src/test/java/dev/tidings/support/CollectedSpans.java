package dev.tidings.support;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * The OpenTelemetry SDK's in-memory exporter as the service's span exporter, for tests that read the
 * spans the service finished. Enabled only by the profiles that ask for it: with it the service exports
 * here and nowhere else.
 */
@Alternative
@Singleton
public class CollectedSpans implements SpanExporter {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();

    /** Waits until a finished span of {@code traceId} matches, and answers it. */
    public SpanData awaitSpan(String traceId, Predicate<SpanData> matching) {
        return await().atMost(WebhookReceiver.PATIENCE).until(() -> inTrace(traceId).stream().filter(matching).findFirst(),
                found -> found.isPresent()).orElseThrow();
    }

    /** The finished spans of one trace, in the order they ended. */
    public List<SpanData> inTrace(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> finished) {
        return spans.export(finished);
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    // The in-memory exporter refuses spans once shut down; this one lives as long as the test JVM's bean does.
    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}

package dev.tidings.relay;

import dev.tidings.relay.KafkaPublisher.PublishTimeout;
import dev.tidings.relay.KafkaPublisher.Refused;
import dev.tidings.tracing.TraceContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the publisher reads Kafka's answers for one batch and traces its records, with an emitter that answers as told. */
class KafkaPublisherTest {

    private static final Duration PUBLISH_TIMEOUT = Duration.ofMillis(300);
    private final List<String> sentTopics = new CopyOnWriteArrayList<>();
    private final List<Message<String>> sent = new CopyOnWriteArrayList<>();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final Tracer tracer = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build().get("test");

    @Test
    void aBatchGivesUpWithinThePublishTimeoutWhenKafkaNeverAnswers() {
        KafkaPublisher publisher = publisher(message -> Uni.createFrom().nothing());
        Instant start = Instant.now();
        assertThatThrownBy(() -> publisher.publish(List.of(event("order.created"), event("order.paid")))
                .await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(PublishTimeout.class);
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aRecordKafkaRefusesForGoodIsNamedWhileTheOthersAreAcknowledged() {
        PendingEvent tooLarge = event("order.created");
        KafkaPublisher publisher = publisher(message -> message.getPayload().equals(tooLarge.envelope())
                ? Uni.createFrom().failure(new RecordTooLargeException("The message is 2000000 bytes"))
                : Uni.createFrom().voidItem());

        List<Refused> refused = publisher.publish(List.of(event("order.created"), tooLarge, event("order.shipped")))
                .await().atMost(Duration.ofSeconds(5));

        assertThat(refused).extracting(Refused::event).containsExactly(tooLarge);
        assertThat(refused.get(0).reason()).startsWith("RecordTooLargeException");
        assertThat(sentTopics).hasSize(3);
    }

    @Test
    void aFailureThatMayPassFailsTheWholeBatch() {
        KafkaPublisher publisher = publisher(message -> Uni.createFrom().failure(new NotLeaderOrFollowerException("moving")));
        assertThatThrownBy(() -> publisher.publish(List.of(event("order.created"))).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void anEventWhoseTopicKafkaCannotAcceptIsRefusedWithoutBeingSent() {
        PendingEvent invalid = event("x".repeat(243) + ".happened");
        KafkaPublisher publisher = publisher(message -> Uni.createFrom().voidItem());

        List<Refused> refused = publisher.publish(List.of(event("order.created"), invalid)).await().atMost(Duration.ofSeconds(5));

        assertThat(refused).extracting(Refused::event).containsExactly(invalid);
        assertThat(refused.get(0).reason()).contains("invalid topic name");
        assertThat(sentTopics).containsExactly("events.order");
    }

    @Test
    void aRecordCarriesTheContextOfItsPublishSpanInTheEventsTrace() {
        String requestTraceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        PendingEvent traced = withTrace(event("order.created"), new TraceContext(requestTraceparent, "vendor=1"));
        KafkaPublisher publisher = publisher(message -> Uni.createFrom().voidItem());

        publisher.publish(List.of(traced)).await().atMost(Duration.ofSeconds(5));

        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getName()).isEqualTo("publish events.order");
        assertThat(span.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(span.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(header(sent.get(0), "ce_traceparent")).isEqualTo("00-" + span.getTraceId() + "-" + span.getSpanId() + "-01");
        assertThat(header(sent.get(0), "ce_tracestate")).isEqualTo("vendor=1");
    }

    @Test
    void anEventWrittenOutsideATraceIsPublishedInANewOne() {
        KafkaPublisher publisher = publisher(message -> Uni.createFrom().voidItem());

        publisher.publish(List.of(event("order.created"))).await().atMost(Duration.ofSeconds(5));

        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(header(sent.get(0), "ce_traceparent")).isEqualTo("00-" + span.getTraceId() + "-" + span.getSpanId() + "-01");
        assertThat(sent.get(0).getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow().getHeaders().lastHeader("ce_tracestate")).isNull();
    }

    @Test
    void aPublishSpanThatKafkaRefusedEndsAsAnError() {
        KafkaPublisher publisher = publisher(message -> Uni.createFrom().failure(new RecordTooLargeException("too large")));

        publisher.publish(List.of(event("order.created"))).await().atMost(Duration.ofSeconds(5));

        assertThat(spans.getFinishedSpanItems()).singleElement()
                .satisfies(span -> assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
    }

    private static String header(Message<String> message, String name) {
        Header header = message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow().getHeaders().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static PendingEvent withTrace(PendingEvent event, TraceContext trace) {
        return new PendingEvent(event.id(), event.eventId(), event.eventType(), event.subject(), event.occurredAt(), event.timestamp(),
                event.source(), event.envelope(), event.account(), trace);
    }

    private KafkaPublisher publisher(Function<Message<String>, Uni<Void>> answer) {
        @SuppressWarnings("unchecked")
        MutinyEmitter<String> emitter = (MutinyEmitter<String>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{MutinyEmitter.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("sendMessage")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    @SuppressWarnings("unchecked")
                    Message<String> message = (Message<String>) args[0];
                    // Like the real emitter: nothing is sent until the Uni is subscribed to.
                    return Uni.createFrom().deferred(() -> {
                        sentTopics.add(message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow().getTopic());
                        sent.add(message);
                        return answer.apply(message);
                    });
                });
        return new KafkaPublisher(emitter, "events.", PUBLISH_TIMEOUT, tracer);
    }

    private static PendingEvent event(String type) {
        String id = UUID.randomUUID().toString();
        return new PendingEvent(Math.abs(id.hashCode()), id, type, "order/" + id, Instant.now(), "2026-11-28T10:15:30.000Z",
                "tidings", "{\"eventId\":\"" + id + "\"}", null, null);
    }
}

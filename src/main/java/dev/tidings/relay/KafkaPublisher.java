package dev.tidings.relay;

import dev.tidings.config.EventsConfig;
import dev.tidings.event.EventType;
import dev.tidings.tracing.TraceAttributes;
import dev.tidings.tracing.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Publishes envelopes to Kafka per CONTRACT §5: topic per resource, key = subject, CloudEvents
 * binary-mode headers. The returned Uni completes when Kafka has answered every record of the batch,
 * naming those it refused for good; it fails when another failure or the publish timeout came first.
 * Each record is sent in a publish span continuing the event's trace (a new trace for an event written
 * outside one), whose context the record carries as {@code ce_traceparent} (CONTRACT §13).
 */
@ApplicationScoped
public class KafkaPublisher {

    /** Outgoing channel; its topic is chosen per record. */
    public static final String CHANNEL = "events-out";
    /** The account an event belongs to (CONTRACT §11); absent for the operators' own events. */
    public static final String ACCOUNT_HEADER = "ce_account";
    /** The event's type, as in its envelope. */
    public static final String TYPE_HEADER = "ce_type";
    /** The CloudEvents distributed-tracing extension: {@code ce_traceparent}, {@code ce_tracestate}. */
    public static final String TRACE_HEADER_PREFIX = "ce_";

    private final MutinyEmitter<String> emitter;
    private final String topicPrefix;
    private final Duration publishTimeout;
    private final Tracer tracer;

    // The relay bounds what is in flight (a few batches of one round), so the emitter's buffer may be unbounded.
    @Inject
    public KafkaPublisher(@Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) MutinyEmitter<String> emitter,
                          EventsConfig config, Tracer tracer) {
        this(emitter, config.kafka().topicPrefix(), config.outbox().publishTimeout(), tracer);
    }

    KafkaPublisher(MutinyEmitter<String> emitter, String topicPrefix, Duration publishTimeout, Tracer tracer) {
        this.emitter = emitter;
        this.topicPrefix = topicPrefix;
        this.publishTimeout = publishTimeout;
        this.tracer = tracer;
    }

    private String topicOf(String eventType) {
        return topicPrefix + EventType.resource(eventType);
    }

    /**
     * Sends in the given order (so a subject's records keep it per partition) and waits for every answer,
     * at most {@code events.outbox.publish-timeout}. Answers the records Kafka refused for good, including
     * those whose topic name it could never accept (not sent at all); every other record was acknowledged.
     * Fails on the first failure that may pass (the whole batch is then tried again) or on the timeout.
     */
    Uni<List<Refused>> publish(List<PendingEvent> events) {
        List<Uni<Optional<Refused>>> outcomes = events.stream().map(this::outcome).toList();
        return Uni.join().all(outcomes).andFailFast()
                .ifNoItem().after(publishTimeout).failWith(() -> new PublishTimeout(events.size(), publishTimeout))
                .map(answers -> answers.stream().flatMap(Optional::stream).toList());
    }

    private Uni<Optional<Refused>> outcome(PendingEvent event) {
        String topic = topicOf(event.eventType());
        Optional<String> invalidTopic = KafkaRefusal.ofTopic(topic);
        if (invalidTopic.isPresent()) {
            return Uni.createFrom().item(Optional.of(new Refused(event, invalidTopic.get())));
        }
        return send(event, topic).map(acknowledged -> Optional.<Refused>empty())
                .onFailure(failure -> KafkaRefusal.of(failure).isPresent())
                .recoverWithItem(failure -> Optional.of(new Refused(event, KafkaRefusal.of(failure).orElseThrow())));
    }

    private Uni<Void> send(PendingEvent event, String topic) {
        Span span = publishSpan(event, topic);
        RecordHeaders headers = new RecordHeaders();
        header(headers, "ce_specversion", "1.0");
        header(headers, "ce_id", event.eventId());
        header(headers, TYPE_HEADER, event.eventType());
        header(headers, "ce_source", event.source());
        header(headers, "ce_time", event.timestamp());
        header(headers, "ce_subject", event.subject());
        if (event.account() != null) {
            header(headers, ACCOUNT_HEADER, event.account().toString());
        }
        TraceContext published = TraceContext.of(Context.root().with(span));
        if (published != null) {
            published.write(TRACE_HEADER_PREFIX, (name, value) -> header(headers, name, value));
        }
        header(headers, "content-type", "application/json");
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic)
                .withKey(event.subject())
                .withHeaders(headers)
                .build();
        return emitter.sendMessage(Message.of(event.envelope()).addMetadata(metadata))
                .onTermination().invoke((ignored, failure, cancelled) -> {
                    if (failure != null) {
                        span.setStatus(StatusCode.ERROR, failure.toString());
                    }
                    span.end();
                });
    }

    /** Ends when Kafka answers; an error when it refused the record or the send failed. */
    private Span publishSpan(PendingEvent event, String topic) {
        return tracer.spanBuilder("publish " + topic)
                .setSpanKind(SpanKind.PRODUCER)
                .setParent(TraceContext.restore(event.trace()))
                .setAttribute(TraceAttributes.MESSAGING_SYSTEM, "kafka")
                .setAttribute(TraceAttributes.MESSAGING_OPERATION, "send")
                .setAttribute(TraceAttributes.MESSAGING_DESTINATION, topic)
                .setAttribute(TraceAttributes.MESSAGE_ID, event.eventId())
                .setAttribute(TraceAttributes.EVENT_TYPE, event.eventType())
                .startSpan();
    }

    /** A record Kafka refuses for good, and why. */
    record Refused(PendingEvent event, String reason) {
    }

    /** Kafka did not answer every record of a batch in time; the batch is given up and tried again. */
    static final class PublishTimeout extends RuntimeException {
        PublishTimeout(int records, Duration timeout) {
            super("Kafka did not answer all " + records + " records of the batch within " + timeout);
        }
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}

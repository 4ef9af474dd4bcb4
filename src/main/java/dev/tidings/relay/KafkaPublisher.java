package dev.tidings.relay;

import dev.tidings.config.EventsConfig;
import dev.tidings.event.EventType;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Publishes envelopes to Kafka per CONTRACT §5: topic per resource, key = subject, CloudEvents
 * binary-mode headers. The returned Uni completes when the broker has acknowledged every record.
 */
@ApplicationScoped
public class KafkaPublisher {

    /** Outgoing channel; its topic is chosen per record. */
    public static final String CHANNEL = "events-out";

    private final MutinyEmitter<String> emitter;
    private final String topicPrefix;

    // The relay bounds what is in flight (one batch at a time), so the emitter's buffer may be unbounded.
    public KafkaPublisher(@Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) MutinyEmitter<String> emitter,
                          EventsConfig config) {
        this.emitter = emitter;
        this.topicPrefix = config.kafka().topicPrefix();
    }

    private String topicOf(String eventType) {
        return topicPrefix + EventType.resource(eventType);
    }

    /** Sends in the given order (so a subject's records keep it per partition) and waits for all acks. */
    Uni<Void> publish(List<PendingEvent> events) {
        List<Uni<Void>> sends = events.stream().map(this::send).toList();
        return Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    private Uni<Void> send(PendingEvent event) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, "ce_specversion", "1.0");
        header(headers, "ce_id", event.eventId());
        header(headers, "ce_type", event.eventType());
        header(headers, "ce_source", event.source());
        header(headers, "ce_time", event.timestamp());
        header(headers, "ce_subject", event.subject());
        header(headers, "content-type", "application/json");
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topicOf(event.eventType()))
                .withKey(event.subject())
                .withHeaders(headers)
                .build();
        return emitter.sendMessage(Message.of(event.envelope()).addMetadata(metadata));
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}

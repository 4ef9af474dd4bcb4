package dev.tidings.event;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.UUID;

/** The event envelope of CONTRACT §1, identical on Kafka, in webhooks, on SSE and in the log. */
@RegisterForReflection
@JsonPropertyOrder({"eventId", "eventType", "version", "timestamp", "source", "subject", "data"})
public record EventEnvelope(UUID eventId, String eventType, int version, String timestamp, String source,
                            String subject, JsonNode data) {
}

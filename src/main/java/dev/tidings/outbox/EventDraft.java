package dev.tidings.outbox;

import com.fasterxml.jackson.databind.JsonNode;

/** An event as a use case states it; the outbox gives it id, time and source. */
public record EventDraft(String eventType, int version, String subject, JsonNode data) {
}

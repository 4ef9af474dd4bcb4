package dev.tidings.outbox;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.UUID;

/**
 * An event as a use case states it, and the account it belongs to (null: the operators'); the outbox
 * gives it id, time and source.
 */
public record EventDraft(String eventType, int version, String subject, JsonNode data, UUID account) {

    /** The same event, belonging to {@code owner} (null: the operators'). */
    public EventDraft withAccount(UUID owner) {
        return new EventDraft(eventType, version, subject, data, owner);
    }
}

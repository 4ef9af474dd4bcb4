package dev.tidings.webhook.deadletter;

import dev.tidings.event.Timestamps;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.mutiny.sqlclient.Row;

import java.util.UUID;

/** A dead letter as the API shows it. */
@RegisterForReflection
public record DeadLetterView(UUID id, UUID webhookId, UUID eventId, String eventType, String reason, int attempts,
                             Integer lastResponseStatus, String lastError, String deadAt) {

    static DeadLetterView of(Row row) {
        return new DeadLetterView(row.getUUID("id"), row.getUUID("webhook_id"), row.getUUID("event_id"),
                row.getString("event_type"), row.getString("reason"), row.getInteger("attempts"),
                row.getInteger("last_response_status"), row.getString("last_error"),
                Timestamps.format(row.getOffsetDateTime("dead_at").toInstant()));
    }
}

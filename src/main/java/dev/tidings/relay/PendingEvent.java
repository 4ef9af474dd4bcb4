package dev.tidings.relay;

import java.time.Instant;
import java.util.UUID;

/** An outbox row claimed by the relay, ready to go to Kafka. */
record PendingEvent(long id, String eventId, String eventType, String subject, Instant occurredAt, String timestamp,
                    String source, String envelope, UUID account) {
}

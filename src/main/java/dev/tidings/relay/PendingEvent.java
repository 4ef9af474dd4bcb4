package dev.tidings.relay;

import dev.tidings.tracing.TraceContext;

import java.time.Instant;
import java.util.UUID;

/** An outbox row claimed by the relay, ready to go to Kafka; {@code trace} is null when it was written outside a trace. */
record PendingEvent(long id, String eventId, String eventType, String subject, Instant occurredAt, String timestamp,
                    String source, String envelope, UUID account, TraceContext trace) {
}

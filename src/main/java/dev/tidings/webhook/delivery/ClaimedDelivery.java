package dev.tidings.webhook.delivery;

import dev.tidings.tracing.TraceContext;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A due delivery the worker has leased: where it goes, what it carries, how it is signed, and the lease
 * token without which its outcome cannot be recorded; {@code trace} is the context its attempts continue (null: none).
 */
record ClaimedDelivery(UUID id, UUID leaseToken, UUID webhookId, UUID eventId, String eventType, int version, int attemptsBefore,
                       String url, Integer rateLimit, Map<String, Integer> versions, String envelope, List<String> secrets,
                       TraceContext trace) {
}

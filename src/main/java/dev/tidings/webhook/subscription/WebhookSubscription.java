package dev.tidings.webhook.subscription;

import dev.tidings.event.WireNamed;
import dev.tidings.webhook.SubscriptionStatus;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A webhook subscription as stored. {@code accountId} is the account it belongs to and receives the
 * events of; null for an operator's platform subscription, which receives every account's events.
 */
public record WebhookSubscription(UUID id, String url, List<String> eventTypes, String description,
                                  Map<String, Integer> versions, Integer rateLimit, SubscriptionStatus status,
                                  int consecutiveFailures, Instant createdAt, UUID accountId) {

    static final String COLUMNS = "id, url, event_types, description, versions, rate_limit, status, consecutive_failures, created_at, "
            + "account_id";

    static WebhookSubscription of(Row row) {
        return new WebhookSubscription(row.getUUID("id"), row.getString("url"),
                Arrays.asList(row.getArrayOfStrings("event_types")), row.getString("description"),
                versions(row.getJsonObject("versions")), row.getInteger("rate_limit"), WireNamed.parse(SubscriptionStatus.class, row.getString("status")).orElseThrow(),
                row.getInteger("consecutive_failures"), row.getOffsetDateTime("created_at").toInstant(), row.getUUID("account_id"));
    }

    /** Whether this subscription may receive an event of {@code eventAccount} (CONTRACT §11). */
    public boolean receivesEventsOf(UUID eventAccount) {
        return accountId == null || accountId.equals(eventAccount);
    }

    /** The subject of the events about a subscription ({@code webhook.disabled}, {@code webhook.test}). */
    public static String subject(UUID id) {
        return "webhook/" + id;
    }

    public static Map<String, Integer> versions(JsonObject json) {
        Map<String, Integer> versions = new LinkedHashMap<>();
        if (json != null) {
            json.forEach(entry -> versions.put(entry.getKey(), ((Number) entry.getValue()).intValue()));
        }
        return versions;
    }
}

package dev.tidings.webhook.subscription;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.tidings.event.Timestamps;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A subscription as the API shows it; {@code secret} only on creation. */
@RegisterForReflection
@JsonPropertyOrder({"id", "url", "eventTypes", "description", "versions", "rateLimit", "status", "secret", "createdAt"})
public record WebhookView(UUID id, String url, List<String> eventTypes, String description,
                          Map<String, Integer> versions, Integer rateLimit, String status,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String secret, String createdAt) {

    public static WebhookView of(WebhookSubscription subscription) {
        return withSecret(subscription, null);
    }

    public static WebhookView withSecret(WebhookSubscription s, String secret) {
        return new WebhookView(s.id(), s.url(), s.eventTypes(), s.description(), s.versions(), s.rateLimit(), s.status().wireName(),
                secret, Timestamps.format(s.createdAt()));
    }
}

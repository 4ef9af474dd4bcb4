package dev.tidings.webhook.subscription;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.Map;

/** The request bodies of the webhooks API. */
public final class WebhookRequests {

    private WebhookRequests() {
    }

    @RegisterForReflection
    public record CreateWebhook(
            @NotBlank @Size(max = 2048) String url,
            @NotNull @Size(min = 1, max = 100) List<@NotBlank @Size(max = 255) String> eventTypes,
            @Size(max = 1000) String description,
            @Size(max = 100) Map<@Size(max = 255) String, Integer> versions) {
    }

    @RegisterForReflection
    public record UpdateWebhook(
            @Size(max = 2048) String url,
            @Size(min = 1, max = 100) List<@NotBlank @Size(max = 255) String> eventTypes,
            @Size(max = 1000) String description,
            @Size(max = 100) Map<@Size(max = 255) String, Integer> versions,
            @Pattern(regexp = "active|disabled", message = "must be active or disabled") String status) {
    }

    @RegisterForReflection
    public record SecretView(String secret) {
    }

    @RegisterForReflection
    public record TestSent(String eventId) {
    }

    /** ISO 8601 times; {@code until} (exclusive) defaults to now. */
    @RegisterForReflection
    public record Recover(String since, String until) {
    }

    @RegisterForReflection
    public record Recovering(int recovering) {
    }
}

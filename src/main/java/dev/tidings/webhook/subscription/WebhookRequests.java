package dev.tidings.webhook.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

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
            @Size(max = 100) Map<@Size(max = 255) String, Integer> versions,
            @Min(value = 1, message = "must be at least 1 request per second, or null for no limit") Integer rateLimit) {
    }

    @RegisterForReflection
    public record UpdateWebhook(
            @Size(max = 2048) String url,
            @Size(min = 1, max = 100) List<@NotBlank @Size(max = 255) String> eventTypes,
            @Size(max = 1000) String description,
            @Size(max = 100) Map<@Size(max = 255) String, Integer> versions,
            /** Absent: unchanged; JSON null: no limit (a node, because a plain field cannot tell the two apart). */
            @Schema(type = SchemaType.INTEGER, nullable = true, minimum = "1") JsonNode rateLimit,
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

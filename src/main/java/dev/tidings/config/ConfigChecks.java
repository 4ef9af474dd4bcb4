package dev.tidings.config;

import dev.tidings.secrets.SecretCipher;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.Map;

/**
 * Refuses to start with a duration that would break a loop or a timer (zero or negative), or with a
 * malformed {@code events.secrets.keys}, naming the key. Sizes and counts are checked by the constraints
 * on {@link EventsConfig} itself.
 */
@ApplicationScoped
public class ConfigChecks {

    void check(@Observes StartupEvent startup, EventsConfig config) {
        Map<String, Duration> durations = Map.of(
                "events.outbox.poll-interval", config.outbox().pollInterval(),
                "events.outbox.publish-timeout", config.outbox().publishTimeout(),
                "events.webhooks.timeout", config.webhooks().timeout(),
                "events.webhooks.dns-timeout", config.webhooks().dnsTimeout(),
                "events.webhooks.poll-interval", config.webhooks().pollInterval(),
                "events.webhooks.secret-rotation-overlap", config.webhooks().secretRotationOverlap(),
                "events.sse.heartbeat-interval", config.sse().heartbeatInterval(),
                "events.sse.poll-interval", config.sse().pollInterval());
        durations.forEach(ConfigChecks::requirePositive);
        requirePositive("events.retention.events", config.retention().events());
        requirePositive("events.retention.deliveries", config.retention().deliveries());
        requirePositive("events.retention.interval", config.retention().interval());
        requirePositive("events.portal.link-ttl", config.portal().linkTtl());
        requirePositiveOrZero("events.webhooks.lease-margin", config.webhooks().leaseMargin());
        config.webhooks().retrySchedule().forEach(delay -> requirePositive("events.webhooks.retry-schedule", delay));
        SecretCipher.of(config.secrets().keys()); // refuses a key that is not base64 or not 32 bytes
    }

    private static void requirePositive(String key, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(key + " must be a positive duration, not " + value);
        }
    }

    private static void requirePositiveOrZero(String key, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(key + " must not be negative, not " + value);
        }
    }
}

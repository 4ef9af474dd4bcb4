package dev.tidings.config;

import dev.tidings.secrets.SecretCipher;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.ConfigValidationException.Problem;
import io.smallrye.config.ConfigValidator;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SmallRyeConfigBuilderCustomizer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Refuses a configuration that would break the service, naming every wrong key: a size or count that is zero
 * or negative, a duration that would break a loop or a timer, no API key, a topic prefix Kafka refuses, a
 * malformed {@code events.secrets.keys}. It runs while the configuration is built, so the service stops before
 * it migrates the database or connects to anything.
 * <p>
 * Written out rather than as bean-validation constraints on {@link EventsConfig}: one constraint on a config
 * mapping makes Quarkus build a validator over every extension's configuration (about 80 interfaces) at each
 * start: about half a second and 1.4 s of CPU of a start on two cores, and 20 MB. Registered through
 * {@code META-INF/services/io.smallrye.config.SmallRyeConfigBuilderCustomizer}.
 */
public class ConfigChecks implements SmallRyeConfigBuilderCustomizer, ConfigValidator {

    private static final Pattern TOPIC_PREFIX = Pattern.compile("[a-zA-Z0-9._-]{0,200}");

    @Override
    public void configBuilder(SmallRyeConfigBuilder builder) {
        builder.withValidator(this);
    }

    @Override
    public void validateMapping(Class<?> mappingClass, String prefix, Object mapping) {
        if (mapping instanceof EventsConfig config) {
            List<Problem> problems = problems(config);
            if (!problems.isEmpty()) {
                throw new ConfigValidationException(problems.toArray(Problem[]::new));
            }
        }
    }

    private static List<Problem> problems(EventsConfig config) {
        Checks checks = new Checks();
        if (config.auth().apiKeys().stream().allMatch(String::isBlank)) {
            checks.fail("events.auth.api-keys must hold at least one key");
        }
        if (!TOPIC_PREFIX.matcher(config.kafka().topicPrefix()).matches()) {
            checks.fail("events.kafka.topic-prefix must be at most 200 of the characters a-z A-Z 0-9 . _ -");
        }
        checks.positive("events.outbox.batch-size", config.outbox().batchSize());
        checks.positive("events.webhooks.disable-after-failures", config.webhooks().disableAfterFailures());
        checks.positive("events.webhooks.concurrency", config.webhooks().concurrency());
        checks.positive("events.webhooks.concurrency-per-subscription", config.webhooks().concurrencyPerSubscription());
        checks.positive("events.webhooks.response-body-bytes", config.webhooks().responseBodyBytes());
        checks.positive("events.webhooks.subscription-metrics", config.webhooks().subscriptionMetrics());
        checks.positive("events.sse.client-buffer", config.sse().clientBuffer());
        checks.positive("events.retention.batch-size", config.retention().batchSize());
        checks.positive("events.limits.event-bytes", config.limits().eventBytes());
        checks.positive("events.limits.schema-bytes", config.limits().schemaBytes());
        checks.positive("events.limits.subscriptions-per-account", config.limits().subscriptionsPerAccount());
        checks.positive("events.limits.streams-per-key", config.limits().streamsPerKey());
        checks.positive("events.limits.streams-per-instance", config.limits().streamsPerInstance());
        checks.positive("events.limits.database-wait-queue", config.limits().databaseWaitQueue());
        checks.positive("events.limits.page-bytes", config.limits().pageBytes());
        checks.positive("events.outbox.poll-interval", config.outbox().pollInterval());
        checks.positive("events.outbox.publish-timeout", config.outbox().publishTimeout());
        checks.positive("events.webhooks.timeout", config.webhooks().timeout());
        checks.positive("events.webhooks.dns-timeout", config.webhooks().dnsTimeout());
        checks.positive("events.webhooks.poll-interval", config.webhooks().pollInterval());
        checks.positive("events.webhooks.secret-rotation-overlap", config.webhooks().secretRotationOverlap());
        checks.positive("events.sse.heartbeat-interval", config.sse().heartbeatInterval());
        checks.positive("events.sse.poll-interval", config.sse().pollInterval());
        checks.positive("events.retention.events", config.retention().events());
        checks.positive("events.retention.deliveries", config.retention().deliveries());
        checks.positive("events.retention.interval", config.retention().interval());
        checks.positive("events.portal.link-ttl", config.portal().linkTtl());
        if (config.webhooks().leaseMargin().isNegative()) {
            checks.fail("events.webhooks.lease-margin must not be negative, not " + config.webhooks().leaseMargin());
        }
        config.webhooks().retrySchedule().forEach(delay -> checks.positive("events.webhooks.retry-schedule", delay));
        try {
            SecretCipher.of(config.secrets().keys()); // refuses a key that is not base64 or not 32 bytes, never repeating it
        } catch (IllegalArgumentException malformed) {
            checks.fail(malformed.getMessage());
        }
        return checks.problems;
    }

    /** The problems found so far: every wrong key is named, not only the first. */
    private static final class Checks {

        final List<Problem> problems = new ArrayList<>();

        void fail(String message) {
            problems.add(new Problem(message));
        }

        void positive(String key, int value) {
            if (value <= 0) {
                fail(key + " must be positive, not " + value);
            }
        }

        void positive(String key, Duration value) {
            if (value.isZero() || value.isNegative()) {
                fail(key + " must be a positive duration, not " + value);
            }
        }
    }
}

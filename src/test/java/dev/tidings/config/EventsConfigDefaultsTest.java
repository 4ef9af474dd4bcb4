package dev.tidings.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The defaults of CONTRACT §10, read from the mapping itself with nothing set but the required keys. */
class EventsConfigDefaultsTest {

    private static EventsConfig config;

    @BeforeAll
    static void mapWithOnlyTheRequiredKey() {
        SmallRyeConfig smallRye = new SmallRyeConfigBuilder()
                .withMapping(EventsConfig.class)
                // Quarkus reads durations such as "10s" with this converter; plain SmallRye only takes ISO-8601
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of("events.auth.api-keys", "only-key",
                        "events.secrets.keys", "first-key,second-key"), "test", 500))
                .build();
        config = smallRye.getConfigMapping(EventsConfig.class);
    }

    @Test
    void theRetryScheduleDefaultsToOneMinuteFiveMinutesThirtyMinutesTwoHoursAndADay() {
        assertThat(config.webhooks().retrySchedule()).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(5),
                Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(24));
    }

    @Test
    void aSubscriptionIsDisabledAfterFiveConsecutiveFailuresByDefault() {
        assertThat(config.webhooks().disableAfterFailures()).isEqualTo(5);
    }

    @Test
    void anAttemptTimesOutAfterTenSecondsByDefault() {
        assertThat(config.webhooks().timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void plainHttpAndPrivateTargetsAreRefusedByDefault() {
        assertThat(config.webhooks().allowHttp()).isFalse();
        assertThat(config.webhooks().allowPrivateTargets()).isFalse();
    }

    @Test
    void anOldSecretKeepsSigningForADayByDefault() {
        assertThat(config.webhooks().secretRotationOverlap()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void streamsSendAKeepaliveEveryFifteenSecondsByDefault() {
        assertThat(config.sse().heartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void topicsArePrefixedWithEventsByDefault() {
        assertThat(config.kafka().topicPrefix()).isEqualTo("events.");
    }

    @Test
    void theRelayPollsEveryHundredMillisecondsAndClaimsFiveHundredRowsByDefault() {
        assertThat(config.outbox().pollInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.outbox().batchSize()).isEqualTo(500);
    }

    @Test
    void builtInEventsAreNotRevalidatedAndTheBenchmarkRouteIsOffByDefault() {
        assertThat(config.outbox().validateBuiltInEvents()).isFalse();
        assertThat(config.benchmark().ingestCeiling()).isFalse();
    }

    @Test
    void theEnvelopeSourceIsTidingsByDefault() {
        assertThat(config.source()).isEqualTo("tidings");
    }

    @Test
    void theRequiredKeyIsReadAsAList() {
        assertThat(config.auth().apiKeys()).containsExactly("only-key");
    }

    @Test
    void theSecretsKeysAreReadAsAListInTheirOrder() {
        assertThat(config.secrets().keys()).containsExactly("first-key", "second-key");
    }

    @Test
    void aPortalLinkWaitsFifteenMinutesByDefault() {
        assertThat(config.portal().linkTtl()).isEqualTo(Duration.ofMinutes(15));
    }
}

package dev.tidings.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The attempt metrics' bounded cardinality: a few subscriptions have series of their own, the rest share one. */
class WebhookMetricsTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong();
    private final WebhookMetrics metrics = new WebhookMetrics(registry, 2, now::get);

    @Test
    void attemptsAreCountedPerSubscriptionAndOutcomeAndTimed() {
        UUID webhook = UUID.randomUUID();

        metrics.attempted(webhook, AttemptOutcome.FAILED, Duration.ofMillis(300));
        metrics.attempted(webhook, AttemptOutcome.SUCCEEDED, Duration.ofMillis(100));

        assertThat(attempts(webhook.toString(), AttemptOutcome.FAILED)).isEqualTo(1);
        assertThat(attempts(webhook.toString(), AttemptOutcome.SUCCEEDED)).isEqualTo(1);
        assertThat(registry.get("events.webhook.attempt.duration").tag("subscription", webhook.toString()).timer().count()).isEqualTo(2);
    }

    @Test
    void subscriptionsBeyondTheBoundShareTheOtherSeries() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID third = UUID.randomUUID();

        metrics.attempted(first, AttemptOutcome.SUCCEEDED, Duration.ZERO);
        metrics.attempted(second, AttemptOutcome.SUCCEEDED, Duration.ZERO);
        metrics.attempted(third, AttemptOutcome.UNREACHABLE, Duration.ZERO);

        assertThat(registry.find("events.webhook.attempts").tag("subscription", third.toString()).counters()).isEmpty();
        assertThat(attempts(WebhookMetrics.OTHER, AttemptOutcome.UNREACHABLE)).isEqualTo(1);
        assertThat(registry.find("events.webhook.attempts").counters()).hasSize(3 * AttemptOutcome.values().length);
    }

    @Test
    void anIdleSubscriptionGivesUpItsSeriesWhenAnotherNeedsRoom() {
        UUID idle = UUID.randomUUID();
        UUID busy = UUID.randomUUID();
        UUID newcomer = UUID.randomUUID();
        metrics.attempted(idle, AttemptOutcome.FAILED, Duration.ZERO);
        now.addAndGet(WebhookMetrics.IDLE_SERIES.toNanos());
        metrics.attempted(busy, AttemptOutcome.SUCCEEDED, Duration.ZERO);
        now.addAndGet(1);

        metrics.attempted(newcomer, AttemptOutcome.THROTTLED, Duration.ZERO);

        assertThat(attempts(newcomer.toString(), AttemptOutcome.THROTTLED)).isEqualTo(1);
        assertThat(registry.find("events.webhook.attempts").tag("subscription", idle.toString()).counters()).isEmpty();
        assertThat(registry.find("events.webhook.attempt.duration").tag("subscription", idle.toString()).timers()).isEmpty();
        assertThat(attempts(busy.toString(), AttemptOutcome.SUCCEEDED)).isEqualTo(1);
    }

    @Test
    void everyDisableReasonHasItsSeriesFromTheStart() {
        assertThat(registry.find("events.webhook.disabled").counters()).hasSize(DisableReason.values().length)
                .allMatch(counter -> counter.count() == 0);
        assertThat(attempts(WebhookMetrics.OTHER, AttemptOutcome.FAILED)).isZero();
    }

    private double attempts(String subscription, AttemptOutcome outcome) {
        return registry.get("events.webhook.attempts").tag("subscription", subscription).tag("outcome", outcome.wireName()).counter().count();
    }
}

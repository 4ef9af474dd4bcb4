package dev.tidings.webhook.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RetryScheduleTest {

    private final List<Duration> delays = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30));

    @Test
    void followsTheScheduleThenStops() {
        RetrySchedule schedule = new RetrySchedule(delays, () -> 0.0);
        assertThat(schedule.maxAttempts()).isEqualTo(4);
        assertThat(schedule.delayAfter(1)).contains(Duration.ofMinutes(1));
        assertThat(schedule.delayAfter(2)).contains(Duration.ofMinutes(5));
        assertThat(schedule.delayAfter(3)).contains(Duration.ofMinutes(30));
        assertThat(schedule.delayAfter(4)).isEmpty();
        assertThat(schedule.delayAfter(0)).isEmpty();
    }

    @Test
    void jitterOnlyDelaysAndStaysWithinTenPercent() {
        RetrySchedule most = new RetrySchedule(delays, () -> 0.999_999);
        assertThat(most.delayAfter(1).orElseThrow()).isBetween(Duration.ofMinutes(1), Duration.ofSeconds(66));
        assertThat(most.delayAfter(3).orElseThrow()).isBetween(Duration.ofMinutes(30), Duration.ofMinutes(33));
    }

    @Test
    void failureStreakDisablesAtTheThreshold() {
        FailureStreak streak = new FailureStreak(5);
        assertThat(streak.disables(4)).isFalse();
        assertThat(streak.disables(5)).isTrue();
    }
}

package dev.tidings.webhook.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:15:30Z");

    @Test
    void secondsAndHttpDatesAreDelaysFromNow() {
        assertThat(RetryAfter.of(429, "120", NOW)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.of(503, "Sat, 28 Nov 2026 10:16:00 GMT", NOW)).contains(Duration.ofSeconds(30));
    }

    @Test
    void theObsoleteHttpDateFormatsAreReadToo() {
        assertThat(RetryAfter.of(503, "Saturday, 28-Nov-26 10:16:00 GMT", NOW)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.of(503, "Sat Nov 28 10:16:00 2026", NOW)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.of(429, "Sun Dec  6 10:15:30 2026", NOW)).contains(Duration.ofHours(24));
        assertThat(RetryAfter.of(429, "Monday, 28-Nov-77 10:16:00 GMT", NOW)).as("1977, not 2077").contains(Duration.ZERO);
    }

    @Test
    void delaysAreCappedAtADayAndNeverNegative() {
        assertThat(RetryAfter.of(429, "999999", NOW)).contains(Duration.ofHours(24));
        assertThat(RetryAfter.of(429, "Sat, 28 Nov 2026 10:00:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void onlyA429OrA503WithAReadableValueCounts() {
        assertThat(RetryAfter.of(500, "10", NOW)).isEmpty();
        assertThat(RetryAfter.of(429, null, NOW)).isEmpty();
        assertThat(RetryAfter.of(429, "soon", NOW)).isEmpty();
        assertThat(RetryAfter.of(503, "-5", NOW)).isEmpty();
    }
}

package dev.tidings.event;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TimestampsAndIdsTest {

    @Test
    void timestampsAlwaysCarryThreeFractionalDigits() {
        assertThat(Timestamps.format(Instant.parse("2026-11-28T10:15:30Z"))).isEqualTo("2026-11-28T10:15:30.000Z");
        assertThat(Timestamps.format(Instant.parse("2026-11-28T10:15:30.120Z"))).isEqualTo("2026-11-28T10:15:30.120Z");
    }

    @Test
    void idsAreVersion7AndOrderedByCreationTime() throws InterruptedException {
        UUID first = TimeOrderedIds.next();
        Thread.sleep(2); // ids are ordered across milliseconds; this makes the next one a later millisecond
        UUID second = TimeOrderedIds.next();
        assertThat(first.version()).isEqualTo(7);
        assertThat(first.variant()).isEqualTo(2);
        assertThat(first.toString().compareTo(second.toString())).isNegative();
    }
}

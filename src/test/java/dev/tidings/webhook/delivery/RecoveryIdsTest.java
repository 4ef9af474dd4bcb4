package dev.tidings.webhook.delivery;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A recovery's delivery ids increase strictly in the order they are drawn, as the database sorts uuids. */
class RecoveryIdsTest {

    @Test
    void idsDrawnWithinOneMillisecondStillIncrease() {
        RecoveryIds ids = new RecoveryIds();
        UUID previous = ids.next();
        for (int i = 0; i < 20_000; i++) {
            UUID next = ids.next();
            assertThat(RecoveryIds.compare(next, previous)).as("id %d after the one before", i).isPositive();
            assertThat(next.version()).isEqualTo(7);
            assertThat(next.variant()).isEqualTo(2);
            previous = next;
        }
    }

    @Test
    void theSuccessorOfTheLastIdOfAMillisecondIsTheNextMillisecondsFirst() {
        UUID last = new UUID((42L << 16) | 0x7FFFL, 0xBFFF_FFFF_FFFF_FFFFL);
        UUID next = RecoveryIds.successor(last);
        assertThat(next).isEqualTo(new UUID((43L << 16) | 0x7000L, 0x8000_0000_0000_0000L));
        assertThat(RecoveryIds.compare(next, last)).isPositive();
    }

    @Test
    void theSuccessorCarriesIntoTheMillisecondsRandomBits() {
        UUID id = new UUID((42L << 16) | 0x7123L, 0xBFFF_FFFF_FFFF_FFFFL);
        UUID next = RecoveryIds.successor(id);
        assertThat(next).isEqualTo(new UUID((42L << 16) | 0x7124L, 0x8000_0000_0000_0000L));
        assertThat(next.version()).isEqualTo(7);
        assertThat(next.variant()).isEqualTo(2);
    }

    @Test
    void idsAreComparedUnsignedLikeTheDatabaseDoes() {
        UUID low = new UUID(0x0000_0000_0000_7000L, 0x8000_0000_0000_0000L);
        UUID high = new UUID(0x8000_0000_0000_7000L, 0x8000_0000_0000_0000L);
        assertThat(RecoveryIds.compare(high, low)).isPositive();
        assertThat(high.compareTo(low)).as("java's own, signed order").isNegative();
    }
}

package dev.tidings.webhook.delivery;

import dev.tidings.config.BoundedDatabasePool;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimStatementTest {

    /** A longer claim would still work, but PostgreSQL would parse and plan it again on every call. */
    @Test
    void bothClaimsFitTheClientsPreparedStatementCache() {
        assertThat(DeliveryWorker.CLAIM_FROM_OLDEST.length()).isLessThanOrEqualTo(BoundedDatabasePool.CACHED_SQL_LIMIT);
        assertThat(DeliveryWorker.CLAIM_FROM_NEXT.length()).isLessThanOrEqualTo(BoundedDatabasePool.CACHED_SQL_LIMIT);
    }

    /** PostgreSQL orders UUIDs by their bytes, as unsigned numbers; Java's own order compares two signed halves. */
    @Test
    void theSearchGoesOnAfterTheSubscriptionItCameToLast() {
        UUID start = new UUID(0, 0x10);
        UUID next = new UUID(0, 0x9000_0000_0000_0000L); // before the start in Java's order
        UUID later = new UUID(1, 0x10);

        assertThat(DeliveryWorker.lastInTurn(List.of(later, next), start)).isEqualTo(later);
        // from the middle on, it came to the later one first, then started again from the first
        assertThat(DeliveryWorker.lastInTurn(List.of(start, later), next)).isEqualTo(start);
        assertThat(DeliveryWorker.lastInTurn(List.of(start, later), start)).isEqualTo(start); // a whole round
        assertThat(DeliveryWorker.lastInTurn(List.of(), next)).isEqualTo(next);
    }
}

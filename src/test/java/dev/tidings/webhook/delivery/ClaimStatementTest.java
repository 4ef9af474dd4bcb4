package dev.tidings.webhook.delivery;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimStatementTest {

    /** A longer claim would still work, but PostgreSQL would parse and plan it again on every call. */
    @Test
    void theClaimFitsTheClientsPreparedStatementCache() {
        assertThat(DeliveryWorker.CLAIM.length()).isLessThanOrEqualTo(DeliveryWorker.CACHED_SQL_LIMIT);
    }
}

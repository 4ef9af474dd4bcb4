package dev.tidings.webhook.delivery;

import dev.tidings.config.BoundedDatabasePool;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimStatementTest {

    /** A longer claim would still work, but PostgreSQL would parse and plan it again on every call. */
    @Test
    void bothClaimsFitTheClientsPreparedStatementCache() {
        assertThat(DeliveryWorker.CLAIM_FROM_OLDEST.length()).isLessThanOrEqualTo(BoundedDatabasePool.CACHED_SQL_LIMIT);
        assertThat(DeliveryWorker.CLAIM_FROM_ALL.length()).isLessThanOrEqualTo(BoundedDatabasePool.CACHED_SQL_LIMIT);
    }
}

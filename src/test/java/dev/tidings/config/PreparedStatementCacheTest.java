package dev.tidings.config;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pool's connections keep prepared statements as long as the delivery worker's claim (Vert.x's own limit is
 * shorter): otherwise PostgreSQL would parse and plan the claim on every call.
 */
@QuarkusTest
class PreparedStatementCacheTest {

    @Inject
    Pool pool;

    @Test
    void aStatementLongerThanTheClientsDefaultLimitIsPreparedAndKept() {
        String statement = "select $1::int + 1 as answer, '" + "x".repeat(BoundedDatabasePool.CACHED_SQL_LIMIT - 100) + "' as padding";
        assertThat(statement.length()).isGreaterThan(SqlConnectOptions.DEFAULT_PREPARED_STATEMENT_CACHE_SQL_LIMIT)
                .isLessThanOrEqualTo(BoundedDatabasePool.CACHED_SQL_LIMIT);

        long kept = pool.withConnection(c -> c.preparedQuery(statement).execute(Tuple.of(41))
                        .invoke(rows -> assertThat(rows.iterator().next().getInteger("answer")).isEqualTo(42))
                        .chain(() -> c.preparedQuery("select count(*) from pg_prepared_statements where statement = $1")
                                .execute(Tuple.of(statement))))
                .map(rows -> rows.iterator().next().getLong(0))
                .await().atMost(Duration.ofSeconds(10));

        assertThat(kept).as("the statement is prepared under a name on its connection").isEqualTo(1);
    }
}

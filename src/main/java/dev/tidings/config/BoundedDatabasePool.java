package dev.tidings.config;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Makes the reactive PostgreSQL pool as Quarkus would, with a bounded wait queue
 * ({@code events.limits.database-wait-queue}); Vert.x's default is unbounded and Quarkus has no key for it.
 * A request beyond the bound fails at once and is answered 503 (see {@link dev.tidings.problem.DatabaseBusy}).
 * Its connections keep prepared statements up to {@link #CACHED_SQL_LIMIT} characters long (Quarkus has no key
 * for that either).
 */
@Singleton
public class BoundedDatabasePool implements PgPoolCreator {

    /**
     * Statements up to this length are prepared once per connection and their plans kept; longer ones are parsed and
     * planned on every call. Vert.x's default (2,048) is shorter than the delivery worker's claims.
     */
    public static final int CACHED_SQL_LIMIT = 4096;

    @Inject
    EventsConfig config;

    @Override
    public Pool create(Input input) {
        PoolOptions options = new PoolOptions(input.poolOptions()).setMaxWaitQueueSize(config.limits().databaseWaitQueue());
        List<PgConnectOptions> connections = input.pgConnectOptionsList();
        connections.forEach(connection -> connection.setPreparedStatementCacheSqlLimit(CACHED_SQL_LIMIT));
        return PgDriver.INSTANCE.createPool(input.vertx(), connections, options);
    }
}

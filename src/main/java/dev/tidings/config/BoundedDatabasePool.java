package dev.tidings.config;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Makes the reactive PostgreSQL pool as Quarkus would, with a bounded wait queue
 * ({@code events.limits.database-wait-queue}); Vert.x's default is unbounded and Quarkus has no key for it.
 * A request beyond the bound fails at once and is answered 503 (see {@link dev.tidings.problem.DatabaseBusy}).
 */
@Singleton
public class BoundedDatabasePool implements PgPoolCreator {

    @Inject
    EventsConfig config;

    @Override
    public Pool create(Input input) {
        PoolOptions options = new PoolOptions(input.poolOptions()).setMaxWaitQueueSize(config.limits().databaseWaitQueue());
        return PgDriver.INSTANCE.createPool(input.vertx(), input.pgConnectOptionsList(), options);
    }
}

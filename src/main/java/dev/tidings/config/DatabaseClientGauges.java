package dev.tidings.config;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Leaves out the PostgreSQL client's two gauges, {@code postgresql_queue_size} and {@code postgresql_current}.
 * Quarkus 3.33.2 registers the client's metrics once per connection under one name: counters and timers add up
 * over the connections, but a gauge keeps the first connection's value only. The pool's own gauges
 * ({@code sql_pool_queue_size}, {@code sql_pool_active}, {@code sql_pool_idle}) count every connection. Micrometer
 * still warns once, when the second connection opens, that the gauge was already registered: it checks before filtering.
 */
@Singleton
class DatabaseClientGauges {

    @Produces
    @Singleton
    MeterFilter perConnectionGaugesLeftOut() {
        return MeterFilter.deny(id -> id.getType() == Meter.Type.GAUGE && "sql".equals(id.getTag("clientType")));
    }
}

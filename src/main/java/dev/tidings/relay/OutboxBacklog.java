package dev.tidings.relay;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Measures the outbox backlog (rows not yet published, age of the oldest) and the quarantine on a timer of its own, not
 * after the relay's drains: while Kafka is away no drain ends, and that is when the gauges matter.
 */
@ApplicationScoped
public class OutboxBacklog {

    private static final Logger LOG = Logger.getLogger(OutboxBacklog.class);
    /** Several measurements per Prometheus scrape (15–30 s), each one count over the outbox's pending index. */
    static final Duration MEASURE_EVERY = Duration.ofSeconds(5);

    private static final String BACKLOG = """
            select count(*) as rows, min(occurred_at) as oldest, (select count(*) from outbox_quarantine) as quarantined
            from outbox where sequence is null""";

    @Inject
    Pool pool;
    @Inject
    RelayMetrics metrics;
    private volatile Cancellable ticks;

    void start(@Observes StartupEvent startup) {
        // A tick that comes while a measurement still runs is dropped: measurements never pile up.
        ticks = Multi.createFrom().ticks().every(MEASURE_EVERY).onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> measure()
                        .onFailure().invoke(failure -> LOG.warnf("Measuring the outbox backlog failed: %s", failure.toString()))
                        .onFailure().recoverWithNull())
                .subscribe().with(ignored -> { });
    }

    void stop(@Observes ShutdownEvent shutdown) {
        Cancellable running = ticks;
        if (running != null) {
            running.cancel();
        }
    }

    Uni<Void> measure() {
        return pool.query(BACKLOG).execute().invoke(rows -> {
            Row row = rows.iterator().next();
            OffsetDateTime oldest = row.getOffsetDateTime("oldest");
            metrics.backlog(row.getLong("rows"), oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), Instant.now()));
            metrics.quarantine(row.getLong("quarantined"));
        }).replaceWithVoid();
    }
}

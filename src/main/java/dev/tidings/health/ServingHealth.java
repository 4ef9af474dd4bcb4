package dev.tidings.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;

import java.time.Duration;

/**
 * Whether this instance can serve the API: the database answers within a second. Kubernetes routes by
 * this group ({@code /q/health/group/serving}), not by {@code /q/health/ready}, which also reports the
 * Kafka broker: while Kafka is away the API still accepts events into the outbox, so taking every
 * replica out of service at once would turn a Kafka outage into an API outage.
 */
@HealthGroup("serving")
@ApplicationScoped
public class ServingHealth implements AsyncHealthCheck {

    static final Duration TIMEOUT = Duration.ofSeconds(1);

    @Inject
    Pool pool;

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("select 1").execute()
                .map(rows -> HealthCheckResponse.up("Database"))
                .ifNoItem().after(TIMEOUT).recoverWithItem(() -> HealthCheckResponse.down("Database"))
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.down("Database"));
    }
}

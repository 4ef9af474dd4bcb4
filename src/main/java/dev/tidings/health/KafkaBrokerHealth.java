package dev.tidings.health;

import dev.tidings.config.KafkaAdmins;
import dev.tidings.problem.FailureText;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The Kafka broker's part of readiness, answered at once from the last probe: a probe asks the broker
 * to describe the cluster every {@link #PERIOD}, waiting at most {@link #PROBE_TIMEOUT}, so a health
 * request never waits for a broker that does not answer. While the broker is unreachable it reads DOWN,
 * with the time of the last answer; the API keeps accepting events meanwhile (the outbox holds them).
 */
@Readiness
@ApplicationScoped
public class KafkaBrokerHealth implements HealthCheck {

    static final Duration PERIOD = Duration.ofSeconds(2);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private Admin admin;
    private Cancellable probes;
    private volatile Instant lastAnswer;
    private volatile String lastFailure = "not probed yet";

    void start(@Observes StartupEvent startup) {
        admin = KafkaAdmins.create(kafkaConfig, "tidings-health", PROBE_TIMEOUT);
        probes = Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(PERIOD).onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> probe())
                .subscribe().with(ignored -> { });
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (probes != null) {
            probes.cancel();
        }
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
    }

    private Uni<Void> probe() {
        return Uni.createFrom().completionStage(() -> admin.describeCluster(
                        new DescribeClusterOptions().timeoutMs((int) PROBE_TIMEOUT.toMillis())).clusterId().toCompletionStage())
                .invoke(id -> lastAnswer = Instant.now())
                .onFailure().invoke(failure -> lastFailure = FailureText.of(failure, "no answer"))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    @Override
    public HealthCheckResponse call() {
        Instant answered = lastAnswer;
        boolean up = answered != null && answered.isAfter(Instant.now().minus(PERIOD.multipliedBy(2).plus(PROBE_TIMEOUT)));
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Kafka broker").status(up)
                .withData("lastAnswer", answered == null ? "never" : answered.toString());
        if (!up) {
            response.withData("lastFailure", lastFailure);
        }
        return response.build();
    }
}

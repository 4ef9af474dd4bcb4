package dev.tidings.relay;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * Wakes the relay as soon as an outbox insert commits: a trigger on the outbox sends a PostgreSQL
 * NOTIFY, delivered only at commit. The relay's timer remains the fallback if a notification is lost.
 */
@ApplicationScoped
public class OutboxNotifications {

    private static final Logger LOG = Logger.getLogger(OutboxNotifications.class);
    /** Raised by the outbox's insert trigger (see the migrations). */
    static final String APPENDED_CHANNEL = "outbox_appended";

    private final PgSubscriber subscriber;

    public OutboxNotifications(Vertx vertx,
                               @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
                               @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
                               @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        this.subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1_000L);
    }

    void start(@Observes StartupEvent startup, OutboxRelay relay) {
        subscriber.channel(APPENDED_CHANNEL).handler(payload -> relay.wake());
        subscriber.connect().subscribe().with(
                ignored -> relay.wake(),
                failure -> LOG.warnf("Cannot listen for outbox commits, relying on polling: %s", failure.toString()));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        subscriber.close().subscribe().with(ignored -> { }, failure -> { });
    }
}

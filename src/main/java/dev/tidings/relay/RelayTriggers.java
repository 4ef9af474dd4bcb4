package dev.tidings.relay;

import dev.tidings.config.EventsConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

/**
 * Wakes the relay: at once when an outbox insert commits (a trigger on the outbox sends a PostgreSQL
 * NOTIFY, which is delivered only at commit, from any replica), and every
 * {@code events.outbox.poll-interval} as a fallback in case a notification is lost.
 */
@ApplicationScoped
public class RelayTriggers {

    private static final Logger LOG = Logger.getLogger(RelayTriggers.class);
    /** Raised by the outbox's insert trigger (see the migrations). */
    static final String APPENDED_CHANNEL = "outbox_appended";

    private final OutboxRelay relay;
    private final PgSubscriber subscriber;
    private final Duration pollInterval;
    private Cancellable ticks;

    public RelayTriggers(OutboxRelay relay, Vertx vertx, EventsConfig config,
                         @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
                         @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
                         @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.relay = relay;
        this.pollInterval = config.outbox().pollInterval();
        PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        this.subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1_000L);
    }

    void start(@Observes StartupEvent startup) {
        subscriber.channel(APPENDED_CHANNEL).handler(payload -> relay.wake());
        subscriber.connect().subscribe().with(
                ignored -> relay.wake(),
                failure -> LOG.warnf("Cannot listen for outbox commits, relying on polling: %s", failure.toString()));
        ticks = Multi.createFrom().ticks().every(pollInterval)
                .onOverflow().drop()
                .subscribe().with(tick -> relay.wake());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (ticks != null) {
            ticks.cancel();
        }
        subscriber.close().subscribe().with(ignored -> { }, failure -> { });
    }
}

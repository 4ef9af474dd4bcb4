package dev.tidings.background;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One PostgreSQL connection that LISTENs for notifications and hands them to whoever registered for a
 * channel. Notifications are delivered only when the notifying transaction commits; the connection
 * reconnects by itself. Listeners must not rely on it alone (a notification can be missed while
 * reconnecting): they also poll.
 */
@ApplicationScoped
public class PgNotifications {

    private static final Logger LOG = Logger.getLogger(PgNotifications.class);

    private final PgSubscriber subscriber;
    private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();

    public PgNotifications(Vertx vertx,
                           @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
                           @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
                           @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        this.subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1_000L);
    }

    /** Calls {@code listener} on every notification on {@code channel}. */
    public void listen(String channel, Runnable listener) {
        listeners.computeIfAbsent(channel, c -> {
            subscriber.channel(c).handler(payload -> listeners.get(c).forEach(Runnable::run));
            return new CopyOnWriteArrayList<>();
        }).add(listener);
    }

    // Runs after the features registered their channels at startup.
    void connect(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.LIBRARY_AFTER + 500) StartupEvent startup) {
        subscriber.connect().subscribe().with(
                ignored -> LOG.debug("Listening for PostgreSQL notifications"),
                failure -> LOG.warnf("Cannot listen for PostgreSQL notifications, relying on polling: %s", failure.toString()));
    }

    void close(@Observes ShutdownEvent shutdown) {
        subscriber.close().subscribe().with(ignored -> { }, failure -> { });
    }
}

package dev.tidings.background;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One connection of the datasource's pool (so its credentials and TLS settings) that LISTENs for
 * notifications and hands them to whoever registered for a channel. Notifications are delivered only
 * when the notifying transaction commits. When the connection drops it is opened again; listeners
 * must not rely on notifications alone (one can be missed meanwhile): they also poll.
 */
@ApplicationScoped
public class PgNotifications {

    private static final Logger LOG = Logger.getLogger(PgNotifications.class);
    /** Listeners poll in the meantime, so trying again every second is enough after a database restart. */
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    @Inject
    Pool pool;
    private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();
    private volatile SqlConnection connection;
    private volatile boolean closed;

    /** Calls {@code listener} on every notification on {@code channel}; register before startup ends. */
    public void listen(String channel, Runnable listener) {
        listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
    }

    // Runs after the features registered their channels at startup.
    void connect(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 500) StartupEvent startup) {
        connect();
    }

    private void connect() {
        if (closed) {
            return;
        }
        pool.getConnection().subscribe().with(this::listenOn, this::retryLater);
    }

    private void listenOn(SqlConnection opened) {
        connection = opened;
        PgConnection.cast(opened)
                .notificationHandler(notification -> listeners.getOrDefault(notification.getChannel(), List.of()).forEach(Runnable::run))
                .closeHandler(() -> lost(opened));
        // LISTEN takes no parameters; the channel names are constants of this service.
        Multi.createFrom().iterable(listeners.keySet())
                .onItem().transformToUniAndConcatenate(channel -> opened.query("LISTEN " + channel).execute())
                .collect().last()
                .subscribe().with(ignored -> LOG.debug("Listening for PostgreSQL notifications"), failure -> {
                    retryLater(failure);
                    opened.close().subscribe().with(ignored -> { }, ignored -> { });
                });
    }

    /** The connection closed (a database restart, a network failure): open another one soon. */
    private void lost(SqlConnection closedConnection) {
        if (connection == closedConnection && !closed) {
            retryLater(new IllegalStateException("the connection closed"));
        }
    }

    private void retryLater(Throwable failure) {
        connection = null;
        if (closed) {
            return;
        }
        LOG.warnf("Not listening for PostgreSQL notifications, polling until it can again: %s", failure.toString());
        Uni.createFrom().voidItem().onItem().delayIt().by(RECONNECT_DELAY).subscribe().with(ignored -> connect());
    }

    void close(@Observes ShutdownEvent shutdown) {
        closed = true;
        SqlConnection open = connection;
        if (open != null) {
            open.close().subscribe().with(ignored -> { }, failure -> { });
        }
    }
}

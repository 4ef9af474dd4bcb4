package dev.tidings.problem;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Set;

/**
 * Recognises a failure that means the database is away for a moment (restarting, failing over, out of
 * connections), not a fault of the request or of the service: it is answered 503 with Retry-After,
 * and the client's retry is safe because nothing was committed.
 */
public final class DatabaseUnavailable {

    /** A restart or failover is usually over within seconds; the pools reconnect by themselves. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(2);
    /**
     * SQLSTATE classes: 08 connection exception, 57P operator intervention (shutdown, cannot connect
     * now), 53 insufficient resources (too many connections).
     */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("08", "57P", "53");

    private DatabaseUnavailable() {
    }

    public static boolean isCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClosedConnectionException || t instanceof SocketException || t instanceof ClosedChannelException
                    || t.getClass() == IOException.class) {
                // closed, refused or reset connections: ConnectException is a SocketException, Netty fails a write to a
                // closed channel with a ClosedChannelException, and a reset met while writing to a NIO channel
                // ("Connection reset by peer", "Broken pipe") is a bare IOException (its other subclasses, such as a
                // JSON parser's, are not the network's)
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && UNAVAILABLE_STATES.stream().anyMatch(pg.getSqlState()::startsWith)) {
                return true;
            }
        }
        return false;
    }
}

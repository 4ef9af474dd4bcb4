package dev.tidings.problem;

import io.vertx.core.http.ConnectionPoolTooBusyException;

import java.time.Duration;

/**
 * Recognises a request turned away by this instance's database pool: its wait queue was full
 * ({@code events.limits.database-wait-queue}), or no connection came free in time. Nothing was written;
 * it is answered 503 with Retry-After, so the client tries again later or on another replica.
 */
public final class DatabaseBusy {

    public static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /** Vert.x's pool fails a waiter with this message (and no particular type) when no connection came free in time. */
    private static final String ACQUIRE_TIMEOUT = "Timeout waiting for connection";

    private DatabaseBusy() {
    }

    public static boolean isCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectionPoolTooBusyException || ACQUIRE_TIMEOUT.equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }
}

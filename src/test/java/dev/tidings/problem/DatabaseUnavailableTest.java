package dev.tidings.problem;

import com.fasterxml.jackson.core.JsonParseException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures mean "the database is away for a moment" (503 with Retry-After) and which are the service's own (500). */
class DatabaseUnavailableTest {

    @Test
    void connectionsThatCloseFailOrResetMeanTheDatabaseIsAway() {
        assertThat(DatabaseUnavailable.isCause(ClosedConnectionException.INSTANCE)).isTrue();
        assertThat(DatabaseUnavailable.isCause(new ConnectException("Connection refused"))).isTrue();
        // what NIO raises when PostgreSQL resets a connection the pool is still writing to, as it shuts down
        assertThat(DatabaseUnavailable.isCause(new CompletionException(new IOException("Connection reset by peer")))).isTrue();
        assertThat(DatabaseUnavailable.isCause(new ClosedChannelException())).isTrue();
        assertThat(DatabaseUnavailable.isCause(new PgException("terminating connection due to administrator command", "FATAL", "57P01", null))).isTrue();
        assertThat(DatabaseUnavailable.isCause(new PgException("too many connections", "FATAL", "53300", null))).isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(DatabaseUnavailable.isCause(new PgException("duplicate key", "ERROR", "23505", null))).isFalse();
        assertThat(DatabaseUnavailable.isCause(new JsonParseException(null, "Unexpected character"))).isFalse();
        assertThat(DatabaseUnavailable.isCause(new IllegalStateException("a bug"))).isFalse();
    }
}

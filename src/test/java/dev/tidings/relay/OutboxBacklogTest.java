package dev.tidings.relay;

import dev.tidings.support.Database;
import dev.tidings.support.Metrics;
import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The backlog gauges are measured while no batch can complete, as during a Kafka outage. */
@QuarkusTest
class OutboxBacklogTest {

    @Test
    void pendingAndLagGrowWhileNoBatchCanCommit() {
        // Every batch now fails at its end and rolls back, so no drain ever finishes.
        Database.execute("""
                create or replace function refuse_relay_commits() returns trigger language plpgsql as $$
                begin raise exception 'relay stalled by test'; end $$;
                drop trigger if exists refuse_relay_commits on relay_cursor;
                create trigger refuse_relay_commits before update on relay_cursor
                  for each row execute function refuse_relay_commits();""");
        List<String> subjects;
        try {
            subjects = List.of("order/" + Orders.place("backlog-1"), "order/" + Orders.place("backlog-2"),
                    "order/" + Orders.place("backlog-3"));

            await().atMost(Duration.ofSeconds(15)).until(() ->
                    Metrics.value("events_outbox_pending") >= 3 && Metrics.value("events_outbox_lag_seconds") > 0);
            double lag = Metrics.value("events_outbox_lag_seconds");
            await().atMost(Duration.ofSeconds(15)).until(() -> Metrics.value("events_outbox_lag_seconds") > lag);
            assertThat(Database.count("select count(*) from outbox where subject = any(?) and sequence is null",
                    (Object) subjects.toArray(String[]::new))).isEqualTo(3);
        } finally {
            Database.execute("drop trigger if exists refuse_relay_commits on relay_cursor");
        }

        await().atMost(Duration.ofSeconds(30)).until(() ->
                Database.count("select count(*) from outbox where subject = any(?) and sequence is not null",
                        (Object) subjects.toArray(String[]::new)) == 3);
        await().atMost(Duration.ofSeconds(15)).until(() -> Metrics.value("events_outbox_pending") == 0);
    }
}

package dev.tidings.relay;

import dev.tidings.support.Database;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A relay that holds the claim and then dies (its database connection drops) loses nothing: rows
 * committed meanwhile are published by the surviving relay once the claim is released.
 */
@QuarkusTest
class RelayFailoverTest {

    @Test
    void rowsCommittedWhileAnotherRelayHoldsTheClaimArePublishedWhenItDies() throws Exception {
        try (KafkaRecords orderTopic = KafkaRecords.of("events.order")) {
            String subject;
            try (Connection stalledRelay = Database.connect()) {
                stalledRelay.setAutoCommit(false);
                stalledRelay.createStatement().executeQuery("select last_sequence from relay_cursor where id = 1 for update");

                subject = "order/" + Orders.place("failover");
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                        .until(() -> orderTopic.withKey(subject).isEmpty());
                assertThat(Database.count("select count(*) from outbox where subject = ? and sequence is null", subject)).isEqualTo(1);
            } // the stalled relay's connection closes: PostgreSQL drops its claim, as when its process dies

            assertThat(orderTopic.awaitKey(subject, 1)).hasSize(1);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Database.count("select count(*) from outbox where subject = ? and sequence is not null", subject) == 1);
        }
    }
}

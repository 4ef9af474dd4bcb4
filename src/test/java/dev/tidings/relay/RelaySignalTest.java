package dev.tidings.relay;

import dev.tidings.outbox.EventWrites;
import dev.tidings.support.ConfigOverrideProfile;
import dev.tidings.support.Database;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relays are woken by a NOTIFY the service sends once an event write has committed, not by one inside the
 * writing transaction (which would make such commits take turns). The relay's poll is an hour here, so only
 * the notification can have woken it.
 */
@QuarkusTest
@TestProfile(RelaySignalTest.NoPoll.class)
class RelaySignalTest {

    public static class NoPoll extends ConfigOverrideProfile {
        public NoPoll() {
            super(Map.of("events.outbox.poll-interval", "1h"));
        }
    }

    private KafkaRecords orderTopic;

    @BeforeEach
    void consume() {
        orderTopic = KafkaRecords.of("events.order");
    }

    @AfterEach
    void close() {
        orderTopic.close();
    }

    @Test
    void eachOrderChangeWakesTheRelayOnceCommitted() {
        String id = Orders.place("signal-1");
        orderTopic.awaitKey("order/" + id, 1);
        Orders.pay(id);
        assertThat(orderTopic.awaitKey("order/" + id, 2)).extracting(record -> new String(record.headers().lastHeader("ce_type").value()))
                .containsExactly("order.created", "order.payment_received");
    }

    @Test
    void theWritingTransactionItselfSendsNoNotification() throws Exception {
        try (Connection listener = Database.connect(); Statement statement = listener.createStatement()) {
            statement.execute("listen " + EventWrites.APPENDED_CHANNEL);
            UUID eventId = UUID.randomUUID();
            Database.update("""
                    insert into outbox (event_id, event_type, version, source, subject, occurred_at, envelope)
                    values (?, 'order.note', 1, 'tidings', 'order/by-hand', now(), ?)""", eventId,
                    "{\"eventId\":\"" + eventId + "\",\"eventType\":\"order.note\",\"version\":1,\"timestamp\":\"2026-01-01T00:00:00.000Z\","
                            + "\"source\":\"tidings\",\"subject\":\"order/by-hand\",\"data\":{}}");

            String id = Orders.place("signal-2");
            orderTopic.awaitKey("order/" + id, 1); // the order's notification was sent before the relay could publish it
            Database.awaitNothingPending(Duration.ofSeconds(10)); // the row inserted by hand went with it

            List<PGNotification> received = new ArrayList<>();
            PGNotification[] batch;
            while ((batch = listener.unwrap(PGConnection.class).getNotifications(200)) != null && batch.length > 0) {
                received.addAll(List.of(batch));
            }
            assertThat(received).as("one notification for the order's write, none from either insert's transaction").hasSize(1);
        }
    }
}

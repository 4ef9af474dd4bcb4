package dev.tidings.relay;

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
import static org.awaitility.Awaitility.await;

/**
 * An event write wakes the relay once it committed, not through a NOTIFY inside the writing transaction
 * (which would make such commits take turns); a relay that finds the cursor taken by another replica's
 * tells it with a NOTIFY. The relay's poll is an hour here, so nothing else can have woken it.
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
    void neitherTheWritingTransactionNorALoneRelayNotifies() throws Exception {
        try (Connection listener = Database.connect(); Statement statement = listener.createStatement()) {
            statement.execute("listen " + OutboxRelay.APPENDED_CHANNEL);
            insertByHand();

            String id = Orders.place("signal-2");
            orderTopic.awaitKey("order/" + id, 1);
            Database.awaitNothingPending(Duration.ofSeconds(10)); // the row inserted by hand went with it

            assertThat(notifications(listener)).as("this relay took the cursor itself: nobody had to be told").isEmpty();
        }
    }

    @Test
    void aRelayThatFindsTheCursorTakenNotifiesItsHolder() throws Exception {
        try (Connection listener = Database.connect(); Statement listening = listener.createStatement();
             Connection holder = Database.connect()) {
            listening.execute("listen " + OutboxRelay.APPENDED_CHANNEL);
            holder.setAutoCommit(false);
            holder.createStatement().executeQuery("select 1 from relay_cursor where id = 1 for update").close(); // another replica's round

            String first = Orders.place("signal-3");
            await().atMost(Duration.ofSeconds(10)).until(() -> !notifications(listener).isEmpty());

            holder.rollback();
            String second = Orders.place("signal-4"); // this relay takes the cursor now and relays both
            orderTopic.awaitKey("order/" + first, 1);
            orderTopic.awaitKey("order/" + second, 1);
        }
    }

    private static void insertByHand() {
        UUID eventId = UUID.randomUUID();
        Database.update("""
                insert into outbox (event_id, event_type, version, source, subject, occurred_at, envelope)
                values (?, 'order.note', 1, 'tidings', 'order/by-hand', now(), ?)""", eventId,
                "{\"eventId\":\"" + eventId + "\",\"eventType\":\"order.note\",\"version\":1,\"timestamp\":\"2026-01-01T00:00:00.000Z\","
                        + "\"source\":\"tidings\",\"subject\":\"order/by-hand\",\"data\":{}}");
    }

    /** Notifications received so far, waiting a moment for more. */
    private static List<PGNotification> notifications(Connection listener) throws Exception {
        List<PGNotification> received = new ArrayList<>();
        PGNotification[] batch;
        while ((batch = listener.unwrap(PGConnection.class).getNotifications(200)) != null && batch.length > 0) {
            received.addAll(List.of(batch));
        }
        return received;
    }
}

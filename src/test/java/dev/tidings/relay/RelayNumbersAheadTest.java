package dev.tidings.relay;

import dev.tidings.support.Database;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While a backlog drains (batches of 3 here), a round numbers each batch while Kafka works on it, before Kafka's
 * answers; a round of a few events claimed as they commit numbers them after Kafka's answer, and so does the round after
 * one Kafka did not answer, so that while Kafka is out a retry does not write a version of every claimed row only to roll
 * it back. Kafka's answers are held back here (the records reach the real broker), and whether the round in progress
 * has numbered shows in its locks: numbering takes a row-exclusive lock on the outbox, a claim none.
 */
@QuarkusTest
@TestProfile(RelayPipelineTest.SmallBatches.class)
class RelayNumbersAheadTest {

    private static final int BATCH = 3;

    /**
     * Whether the round in progress (the relay's transaction holding the cursor row) has written to the outbox: 1 if it
     * has, 0 if not, -1 when no round is in progress.
     */
    private static final String ROUND_NUMBERED = """
            select coalesce(bool_or(exists (select 1 from pg_locks o join pg_class t on t.oid = o.relation
                                            where o.pid = l.pid and t.relname = 'outbox' and o.mode = 'RowExclusiveLock'))::int, -1)
            from pg_locks l join pg_class c on c.oid = l.relation
            where c.relname = 'relay_cursor' and l.mode = 'RowShareLock' and l.pid <> pg_backend_pid()""";

    @Inject
    KafkaPublisher publisher;

    @Test
    void aRoundDrainingABacklogNumbersItsBatchBeforeKafkasAnswers() throws Exception {
        HeldAnswers held = HeldAnswers.install(publisher, false);
        try (KafkaRecords orders = KafkaRecords.of("events.order")) {
            List<String> subjects = backlogOfOneBatch("numbered-ahead");
            subjects.forEach(subject -> orders.awaitKey(subject, 1));
            await().atMost(Duration.ofSeconds(5)).until(() -> Database.count(ROUND_NUMBERED) == 1);
            assertThat(pending(subjects)).as("not visible before Kafka's answer").isEqualTo(BATCH);

            held.release();
            Database.awaitNothingPending(Duration.ofSeconds(30));
            assertThat(subjects).allSatisfy(subject -> assertThat(orders.withKey(subject)).hasSize(1));
        } finally {
            held.release();
        }
    }

    @Test
    void eventsClaimedAsTheyCommitAreNumberedAfterKafkasAnswer() {
        HeldAnswers held = HeldAnswers.install(publisher, false);
        try (KafkaRecords orders = KafkaRecords.of("events.order")) {
            String subject = "order/" + Orders.place("numbered-after-answer");
            orders.awaitKey(subject, 1);
            // the round in progress has claimed and sent, but not numbered (a numbering sent ahead would have run by now)
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> Database.count(ROUND_NUMBERED) == 0);

            held.release();
            Database.awaitNothingPending(Duration.ofSeconds(30));
            assertThat(orders.withKey(subject)).hasSize(1);
        } finally {
            held.release();
        }
    }

    @Test
    void afterARoundKafkaDidNotAnswerTheNextNumbersOnlyWhatKafkaAnswered() throws Exception {
        HeldAnswers failingOnce = HeldAnswers.install(publisher, true);
        List<String> subjects;
        try (KafkaRecords orders = KafkaRecords.of("events.order")) {
            subjects = backlogOfOneBatch("numbered-after-failure");
            subjects.forEach(subject -> orders.awaitKey(subject, 2)); // sent by the round that failed, and again by the next, held

            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> Database.count(ROUND_NUMBERED) == 0);
            assertThat(pending(subjects)).isEqualTo(BATCH);

            failingOnce.release();
            Database.awaitNothingPending(Duration.ofSeconds(30));
        } finally {
            failingOnce.release();
        }
        assertThat(pending(subjects)).isZero();

        // a round Kafka answered brings numbering ahead back
        aRoundDrainingABacklogNumbersItsBatchBeforeKafkasAnswers();
    }

    /** A full batch's orders, committed while the relay is held off: its next round's first claim is full. */
    private static List<String> backlogOfOneBatch(String prefix) throws SQLException {
        List<String> subjects = new ArrayList<>();
        try (Connection stalledRelay = Database.connect()) {
            stalledRelay.setAutoCommit(false);
            stalledRelay.createStatement().executeQuery("select last_sequence from relay_cursor where id = 1 for update");
            for (int i = 0; i < BATCH; i++) {
                subjects.add("order/" + Orders.place(prefix + "-" + i));
            }
        }
        return subjects;
    }

    private static long pending(List<String> subjects) {
        return Database.count("select count(*) from outbox where subject = any(?) and sequence is null", (Object) subjects.toArray(String[]::new));
    }
}

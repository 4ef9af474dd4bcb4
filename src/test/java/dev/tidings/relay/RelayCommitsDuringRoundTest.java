package dev.tidings.relay;

import dev.tidings.support.Database;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An event committed while the relay's round waits for Kafka's answer to an earlier one is sent in that
 * round, not after it: Kafka's answers are held back here (the records themselves reach the real broker),
 * so the first round cannot end until the test lets it.
 */
@QuarkusTest
class RelayCommitsDuringRoundTest {

    @Inject
    KafkaPublisher publisher;

    @Inject
    OutboxRelay relay;

    @Test
    void anEventCommittedWhileARoundWaitsForKafkaIsSentAndNumberedInThatRound() {
        HeldAnswers held = HeldAnswers.install(publisher, false);
        try (KafkaRecords orders = KafkaRecords.of("events.order")) {
            String first = "order/" + Orders.place("held-round-first");
            orders.awaitKey(first, 1);

            String second = "order/" + Orders.place("held-round-second");
            awaitSentInTheHeldRound(orders, second);
            assertThat(orders.withKey(first)).as("the first event was sent once: its round is still open").hasSize(1);
            assertThat(Database.count("select count(*) from outbox where subject in (?, ?) and sequence is null", first, second))
                    .as("neither is numbered while Kafka's answers are held").isEqualTo(2);

            held.release();
            Database.awaitNothingPending(Duration.ofSeconds(30));
            assertThat(Database.count("select count(distinct published_at) from outbox where subject in (?, ?)", first, second))
                    .as("both numbered in the same transaction").isEqualTo(1);
            assertThat(Database.count("select (select sequence from outbox where subject = ?) - (select sequence from outbox where subject = ?)",
                    second, first)).as("one after the other, in commit order").isEqualTo(1);
        } finally {
            held.release();
        }
    }

    /**
     * A round's claim can find a write before that write's signal comes (the round was woken by something else). The
     * late signal then brings a claim that finds nothing; a write committed after it must still be sent in the round.
     */
    @Test
    void aWriteAfterALateSignalIsStillSentInTheRound() {
        HeldAnswers held = HeldAnswers.install(publisher, false);
        try (KafkaRecords orders = KafkaRecords.of("events.order")) {
            String first = "order/" + Orders.place("late-signal-first");
            orders.awaitKey(first, 1);
            relay.eventsCommitted(); // a signal for nothing new: the first event is claimed and sent already

            String second = "order/" + Orders.place("late-signal-second");
            awaitSentInTheHeldRound(orders, second);
            assertThat(Database.count("select count(*) from outbox where subject in (?, ?) and sequence is null", first, second))
                    .as("both sent in the round still waiting for Kafka's answers").isEqualTo(2);
        } finally {
            held.release();
        }
        Database.awaitNothingPending(Duration.ofSeconds(30));
    }

    private static void awaitSentInTheHeldRound(KafkaRecords orders, String subject) {
        // well inside the publish timeout (10 s), after which the held round would roll back and start again
        await().atMost(Duration.ofSeconds(5)).until(() -> orders.withKey(subject).size() == 1);
    }
}

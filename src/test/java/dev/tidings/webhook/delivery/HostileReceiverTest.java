package dev.tidings.webhook.delivery;

import dev.tidings.support.Orders;
import dev.tidings.support.RawReceiver;
import dev.tidings.support.RawReceiver.Behaviour;
import dev.tidings.support.RawReceiver.Ended;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A receiver costs one attempt bounded by the timeout (1 s in tests) and by the response body cap
 * (CONTRACT §6, §14): the service stops reading and hangs up, so no receiver pins a connection or fills
 * the heap. The outcome is the status the receiver answered in time.
 */
@QuarkusTest
class HostileReceiverTest {

    /** Well past the 1 s timeout, well before the receiver's own {@link RawReceiver#LIFETIME}. */
    private static final Duration HANG_UP_WITHIN = Duration.ofSeconds(15);
    /** The service may have a few socket buffers in flight when it resets; an uncapped read takes gigabytes. */
    private static final long MOST_BYTES_SENT = 8L * 1024 * 1024;

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void anEndlessBodyIsCutOffAndTheAnsweredStatusCounts() throws Exception {
        try (RawReceiver receiver = RawReceiver.start(Behaviour.ENDLESS_BODY)) {
            Map<String, Object> attempt = firstAttempt(receiver, "endless-body");
            assertThat(attempt).containsEntry("status", "succeeded").containsEntry("responseStatus", 200);
            Ended ended = hungUp(receiver);
            assertThat(ended.byService()).as("the service reset the connection").isTrue();
            assertThat(ended.bytesWritten()).isLessThan(MOST_BYTES_SENT);
        }
    }

    @Test
    void aTricklingBodyIsCutOffAtTheDeadline() throws Exception {
        try (RawReceiver receiver = RawReceiver.start(Behaviour.TRICKLING_BODY)) {
            assertThat(firstAttempt(receiver, "trickling-body")).containsEntry("status", "succeeded").containsEntry("responseStatus", 200);
            assertThat(hungUp(receiver).byService()).as("the service hung up instead of waiting for 100,000 bytes").isTrue();
        }
    }

    @Test
    void aStatusThatNeverComesIsATimedOutAttemptAndTheConnectionIsClosed() throws Exception {
        try (RawReceiver receiver = RawReceiver.start(Behaviour.SILENCE)) {
            Map<String, Object> attempt = firstAttempt(receiver, "silent-receiver");
            assertThat(attempt).containsEntry("status", "failed");
            assertThat(attempt.get("responseStatus")).isNull();
            assertThat((String) attempt.get("error")).startsWith("Timed out");
            assertThat(hungUp(receiver).byService()).isTrue();
        }
    }

    /** Subscribes {@code receiver} and places an order; answers the first attempt to deliver it. */
    private static Map<String, Object> firstAttempt(RawReceiver receiver, String customerId) {
        String webhookId = Webhooks.subscribe(receiver.url(), List.of("order.created")).getString("id");
        Orders.place(customerId);
        await().atMost(HANG_UP_WITHIN).until(() -> !Webhooks.deliveries(webhookId).isEmpty());
        List<Map<String, Object>> log = Webhooks.deliveries(webhookId);
        return log.get(log.size() - 1);
    }

    private static Ended hungUp(RawReceiver receiver) {
        await().atMost(HANG_UP_WITHIN).until(() -> !receiver.ended().isEmpty());
        return receiver.ended().get(0);
    }
}

package dev.tidings.relay;

import dev.tidings.support.Database;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * At least once, for real: the packaged service is killed with SIGKILL, once while Kafka is out of
 * reach (events wait in the outbox, a batch is in flight) and once under load; after a restart every
 * order whose creation was acknowledged has its event on Kafka and in the log, and the log is gap-free.
 */
@Tag("processes")
@Timeout(value = 10, unit = TimeUnit.MINUTES) // three starts and bounded waits of up to a minute each
class RelayCrashIT {

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("relay-crash-it.log");

    @Test
    void everyCommittedEventIsPublishedAfterTheProcessIsKilled() throws Exception {
        List<String> acknowledged = new CopyOnWriteArrayList<>();

        Map<String, String> kafkaOutOfReach = smallBatches();
        kafkaOutOfReach.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + unusedPort());
        ServiceProcess first = services.start(kafkaOutOfReach, "/q/health/live");
        for (int i = 0; i < 30; i++) {
            acknowledged.add(place(first));
        }
        assertThat(pending(acknowledged)).isEqualTo(30);
        first.kill();

        ServiceProcess second = services.start(smallBatches());
        Instant writerDeadline = Instant.now().plusSeconds(90);
        Thread writer = new Thread(() -> {
            try {
                while (Instant.now().isBefore(writerDeadline)) {
                    acknowledged.add(place(second));
                }
            } catch (RuntimeException | AssertionError killed) {
                // the process is gone; requests in flight may or may not have committed
            }
        }, "order-writer");
        writer.setDaemon(true);
        writer.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 80);
        second.kill();
        writer.join(Duration.ofSeconds(40).toMillis());
        assertThat(writer.isAlive()).as("the writer stopped once the service was gone").isFalse();

        ServiceProcess third = services.start(smallBatches());
        try (KafkaRecords topic = KafkaRecords.of("events.order")) {
            Set<String> subjects = acknowledged.stream().map(id -> "order/" + id).collect(Collectors.toSet());
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(topic.all().stream().map(ConsumerRecord::key).collect(Collectors.toSet())).containsAll(subjects));
            await().atMost(Duration.ofSeconds(30)).until(() -> pending(acknowledged) == 0);
            assertThat(Database.count("select count(*) from outbox where sequence is not null"))
                    .isEqualTo(Database.count("select max(sequence) - min(sequence) + 1 from outbox"));
            assertThat(third.stop()).isIn(0, 143);
        }
    }

    /** Batches of 5: every backlog spans several batches claimed ahead in one relay round, and several rounds. */
    private static Map<String, String> smallBatches() {
        Map<String, String> environment = ServiceProcesses.environment();
        environment.put("EVENTS_OUTBOX_BATCH_SIZE", "5");
        return environment;
    }

    private static String place(ServiceProcess service) {
        return service.request().body(Orders.newOrder("crash")).post("/orders").then().statusCode(201).extract().path("id");
    }

    private static long pending(List<String> orderIds) {
        String subjects = orderIds.stream().map(id -> "'order/" + id + "'").collect(Collectors.joining(","));
        return Database.count("select count(*) from outbox where sequence is null and subject in (" + subjects + ")");
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

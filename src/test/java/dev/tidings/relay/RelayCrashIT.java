package dev.tidings.relay;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.TestInfrastructure;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * At least once, for real: the packaged service is killed with SIGKILL, once while Kafka is out of
 * reach (events wait in the outbox, a batch is in flight) and once under load; after a restart every
 * order whose creation was acknowledged has its event on Kafka and in the log.
 */
@Tag("processes")
class RelayCrashIT {

    private static final Path LOG = Path.of("target", "relay-crash-it.log");

    @BeforeAll
    static void infrastructure() throws Exception {
        TestInfrastructure.startOnce();
    }

    @Test
    void everyCommittedEventIsPublishedAfterTheProcessIsKilled() throws Exception {
        List<String> acknowledged = new CopyOnWriteArrayList<>();

        Map<String, String> kafkaOutOfReach = new HashMap<>(TestInfrastructure.serviceEnvironment());
        kafkaOutOfReach.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + unusedPort());
        try (ServiceProcess first = ServiceProcess.start(kafkaOutOfReach, 0, "/q/health/live", LOG)) {
            for (int i = 0; i < 30; i++) {
                acknowledged.add(place(first));
            }
            assertThat(pending(acknowledged)).isEqualTo(30);
            first.kill();
        }

        try (ServiceProcess second = ServiceProcess.start(TestInfrastructure.serviceEnvironment(), 0, "/q/health/ready", LOG)) {
            Thread writer = new Thread(() -> {
                try {
                    while (true) {
                        acknowledged.add(place(second));
                    }
                } catch (RuntimeException | AssertionError killed) {
                    // the process is gone; requests in flight may or may not have committed
                }
            });
            writer.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 80);
            second.kill();
            writer.join();
        }

        try (ServiceProcess third = ServiceProcess.start(TestInfrastructure.serviceEnvironment(), 0, "/q/health/ready", LOG);
             KafkaRecords topic = KafkaRecords.of("events.order")) {
            Set<String> subjects = acknowledged.stream().map(id -> "order/" + id).collect(Collectors.toSet());
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(topic.all().stream().map(r -> r.key()).collect(Collectors.toSet())).containsAll(subjects));
            await().atMost(Duration.ofSeconds(30)).until(() -> pending(acknowledged) == 0);
            assertThat(Database.count("select count(*) from outbox where sequence is not null"))
                    .isEqualTo(Database.count("select max(sequence) - min(sequence) + 1 from outbox"));
            assertThat(third.stop()).isIn(0, 143);
        }
    }

    private static String place(ServiceProcess service) {
        return RestAssured.given().baseUri(service.baseUri()).header("Authorization", "Bearer " + Api.KEY)
                .contentType("application/json").body(Orders.newOrder("crash"))
                .post("/orders").then().statusCode(201).extract().path("id");
    }

    private static long pending(List<String> orderIds) {
        String subjects = orderIds.stream().map(id -> "'order/" + id + "'").collect(Collectors.joining(","));
        return Database.count("select count(*) from outbox where sequence is null and subject in (" + subjects + ")");
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

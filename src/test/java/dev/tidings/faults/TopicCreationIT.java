package dev.tidings.faults;

import dev.tidings.support.Database;
import dev.tidings.support.KafkaBroker;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A broker that does not create topics on first use ({@code auto.create.topics.enable=false}, as many production
 * clusters run): the relay creates an event's topic before it first sends to it, and again when it was deleted
 * while the service ran, so the event reaches Kafka instead of holding up the relay, and every event behind it,
 * until someone creates the topic.
 */
@Tag("processes")
class TopicCreationIT {

    private static final String TOPIC = "events.order";

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("topic-creation-it.log");

    @Test
    void theRelayCreatesTheTopicsTheBrokerWouldNot() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(Files.createTempDirectory("tidings-no-auto-create"), 0, 0,
                Map.of("auto.create.topics.enable", "false"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<String, String> environment = ServiceProcesses.environment();
            environment.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            ServiceProcess service = services.start(environment);

            awaitOnKafka(broker, placeOrder(service));
            assertThat(admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC).partitions())
                    .as("the broker's default partitions").hasSize(3);

            // The relay looks a topic it created up again 5 s later; from the order after that on, it knows the topic
            // exists (for 5 minutes), so the deletion below is news to it
            Thread.sleep(6_000);
            awaitOnKafka(broker, placeOrder(service));

            admin.deleteTopics(List.of(TOPIC)).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> !admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(TOPIC));
            awaitOnKafka(broker, placeOrder(service));
        }
    }

    private static String placeOrder(ServiceProcess service) {
        String order = service.request().body(Orders.newOrder("no-auto-create")).post("/orders").then().statusCode(201)
                .extract().path("id");
        return "order/" + order;
    }

    /** The subject's order.created is numbered in the log and on the topic. */
    private static void awaitOnKafka(KafkaBroker broker, String subject) {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                Database.count("select count(*) from outbox where subject = ? and sequence is not null", subject) == 1);
        try (KafkaRecords topic = KafkaRecords.of(broker.bootstrapServers(), TOPIC)) {
            List<ConsumerRecord<String, String>> records = topic.awaitKey(subject, 1);
            assertThat(new String(records.get(0).headers().lastHeader("ce_type").value())).isEqualTo("order.created");
        }
    }
}

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
 * clusters run): the relay creates an event's topic before it first sends to it, so the event reaches Kafka instead
 * of holding up the relay, and every event behind it, until someone creates the topic.
 */
@Tag("processes")
class TopicCreationIT {

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("topic-creation-it.log");

    @Test
    void theRelayCreatesTheTopicsTheBrokerWouldNot() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(Files.createTempDirectory("tidings-no-auto-create"), 0, 0,
                Map.of("auto.create.topics.enable", "false"))) {
            Map<String, String> environment = ServiceProcesses.environment();
            environment.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            ServiceProcess service = services.start(environment);

            String order = service.request().body(Orders.newOrder("no-auto-create")).post("/orders").then().statusCode(201)
                    .extract().path("id");
            String subject = "order/" + order;
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    Database.count("select count(*) from outbox where subject = ? and sequence is not null", subject) == 1);

            try (KafkaRecords topic = KafkaRecords.of(broker.bootstrapServers(), "events.order")) {
                List<ConsumerRecord<String, String>> records = topic.awaitKey(subject, 1);
                assertThat(new String(records.get(0).headers().lastHeader("ce_type").value())).isEqualTo("order.created");
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                assertThat(admin.describeTopics(List.of("events.order")).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get("events.order").partitions()).as("the broker's default partitions").hasSize(3);
            }
        }
    }
}

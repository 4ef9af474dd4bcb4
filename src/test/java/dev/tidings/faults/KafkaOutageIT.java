package dev.tidings.faults;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.KafkaBroker;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import dev.tidings.support.SseClient;
import dev.tidings.support.WebhookReceiver;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka broker stops for 30 seconds while two writers create and pay orders (CONTRACT §5, §14): every
 * request is still answered 201/200; readiness answers at once and reports the broker DOWN while the API
 * keeps serving; once the broker is back every event reaches Kafka (in order per subject), the log (no
 * sequence gap), a webhook receiver and an SSE client.
 */
@Tag("processes")
class KafkaOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("kafka-outage-it.log");

    @Test
    void anOutageOfTheBrokerLosesNothingAndTheApiKeepsAnswering() throws Exception {
        Path data = Files.createTempDirectory("tidings-outage-kafka");
        int port = KafkaBroker.freePort();
        int controller = KafkaBroker.freePort();
        KafkaBroker broker = KafkaBroker.start(data, port, controller);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Map<String, String> environment = ServiceProcesses.webhookEnvironment();
            environment.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            ServiceProcess service = services.start(environment);
            String url = receiver.newEndpoint();
            services.subscribe(service, url, List.of("order.*"));
            long start = Database.lastSequence();
            Set<String> paid = ConcurrentHashMap.newKeySet();
            List<String> orders = new ArrayList<>();

            try (SseClient stream = SseClient.connect(service.port(), "/events/stream?types=order.*",
                    Map.of("Authorization", "Bearer " + Api.KEY))) {
                ExecutorService writers = Executors.newFixedThreadPool(2);
                long until = System.nanoTime() + Duration.ofSeconds(45).toNanos();
                List<Future<List<String>>> written = List.of(writers.submit(() -> write(service, until, paid)),
                        writers.submit(() -> write(service, until, paid)));

                Thread.sleep(5_000); // writers running against a healthy broker first
                broker.close();
                Instant stopped = Instant.now();
                await().atMost(Duration.ofSeconds(15)).until(() -> readiness(service).statusCode() == 503);
                Response ready = readiness(service);
                assertThat(ready.time()).as("readiness answers at once").isLessThan(1000);
                assertThat(ready.asString()).contains("Kafka broker").contains("DOWN");
                assertThat(RestAssured.given().baseUri(service.baseUri()).get("/q/health/group/serving").statusCode())
                        .as("the API is still served").isEqualTo(200);
                Thread.sleep(Math.max(0, OUTAGE.minus(Duration.between(stopped, Instant.now())).toMillis()));
                assertThat(Database.count("select count(*) from pg_stat_activity where state like 'idle in transaction%' "
                        + "and now() - xact_start > interval '25 seconds'")).as("no transaction held through the outage").isZero();
                broker = KafkaBroker.start(data, port, controller);
                Instant restarted = Instant.now();

                for (Future<List<String>> writer : written) {
                    orders.addAll(writer.get());
                }
                writers.shutdown();
                int events = orders.size() + paid.size();

                await().atMost(Duration.ofSeconds(120)).until(() -> receiver.requests(url).stream()
                        .map(r -> r.header("webhook-id")).distinct().count() == events);
                System.out.printf("Kafka outage: %d orders, %d events; all delivered %d ms after the broker was back%n",
                        orders.size(), events, Duration.between(restarted, Instant.now()).toMillis());
                await().atMost(Duration.ofSeconds(60)).until(() -> stream.events().size() >= events);

                List<Long> sequences = logAfter(service, start);
                assertThat(sequences).hasSizeGreaterThanOrEqualTo(events);
                for (int i = 1; i < sequences.size(); i++) {
                    assertThat(sequences.get(i)).as("no gap in the log").isEqualTo(sequences.get(i - 1) + 1);
                }
                try (KafkaRecords topic = KafkaRecords.of(broker.bootstrapServers(), "events.order")) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> subjectsOf(topic.all()).containsAll(subjects(orders)));
                    for (String order : paid) {
                        List<String> types = topic.withKey("order/" + order).stream()
                                .map(r -> new String(r.headers().lastHeader("ce_type").value())).distinct().toList();
                        assertThat(types).as("in order per subject").containsExactly("order.created", "order.payment_received");
                    }
                    Map<String, Set<String>> copies = topic.all().stream().collect(Collectors.groupingBy(
                            r -> new String(r.headers().lastHeader("ce_id").value()),
                            Collectors.mapping(r -> r.partition() + "@" + r.offset(), Collectors.toSet())));
                    System.out.printf("Kafka outage: %d records for %d events, at most %d of one event%n",
                            copies.values().stream().mapToInt(Set::size).sum(), copies.size(),
                            copies.values().stream().mapToInt(Set::size).max().orElse(0));
                }
            }
        } finally {
            broker.close();
        }
    }

    /** Creates an order every 100 ms until {@code until}, paying every third; every answer must be a success. */
    private static List<String> write(ServiceProcess service, long until, Set<String> paid) throws InterruptedException {
        List<String> created = new ArrayList<>();
        while (System.nanoTime() < until) {
            String id = service.request().body(Orders.newOrder("outage")).post("/orders").then().statusCode(201).extract().path("id");
            created.add(id);
            if (created.size() % 3 == 0) {
                service.request().body(Map.of("amount", 25.50, "reference", "outage")).post("/orders/{id}/payments", id)
                        .then().statusCode(200);
                paid.add(id);
            }
            Thread.sleep(100);
        }
        return created;
    }

    private static Response readiness(ServiceProcess service) {
        return RestAssured.given().baseUri(service.baseUri()).get("/q/health/ready");
    }

    private static List<Long> logAfter(ServiceProcess service, long start) {
        List<Long> sequences = new ArrayList<>();
        String after = Long.toString(start);
        while (after != null) {
            JsonPath page = service.request().queryParam("after", after).queryParam("limit", 1000).get("/events").then().statusCode(200).extract().jsonPath();
            sequences.addAll(page.getList("items.sequence", Long.class));
            after = page.getString("next");
        }
        return sequences;
    }

    private static Set<String> subjects(List<String> orders) {
        return orders.stream().map(id -> "order/" + id).collect(Collectors.toSet());
    }

    private static Set<String> subjectsOf(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::key).collect(Collectors.toCollection(HashSet::new));
    }
}

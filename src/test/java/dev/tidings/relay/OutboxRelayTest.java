package dev.tidings.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.support.Accounts;
import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.KafkaRecords;
import dev.tidings.support.Metrics;
import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the relay puts on Kafka: topic, key, value and CloudEvents headers per CONTRACT §5. */
@QuarkusTest
class OutboxRelayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
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
    void aCommittedOrderReachesKafkaWithKeyValueAndHeaders() throws Exception {
        String id = Orders.place("relay-1");
        ConsumerRecord<String, String> record = orderTopic.awaitKey("order/" + id, 1).get(0);

        JsonNode envelope = JSON.readTree(record.value());
        assertThat(envelope.fieldNames()).toIterable()
                .containsExactly("eventId", "eventType", "version", "timestamp", "source", "subject", "data");
        assertThat(envelope.get("eventType").asText()).isEqualTo("order.created");
        assertThat(envelope.get("version").asInt()).isEqualTo(2);
        assertThat(envelope.get("source").asText()).isEqualTo("tidings");
        assertThat(envelope.get("subject").asText()).isEqualTo("order/" + id);
        assertThat(envelope.get("timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(envelope.at("/data/orderId").asText()).isEqualTo(id);
        assertThat(envelope.at("/data/totals/amount").decimalValue()).isEqualByComparingTo("25.50");

        assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(record, "ce_id")).isEqualTo(envelope.get("eventId").asText());
        assertThat(header(record, "ce_type")).isEqualTo("order.created");
        assertThat(header(record, "ce_source")).isEqualTo("tidings");
        assertThat(header(record, "ce_time")).isEqualTo(envelope.get("timestamp").asText());
        assertThat(header(record, "ce_subject")).isEqualTo("order/" + id);
        assertThat(header(record, "content-type")).isEqualTo("application/json");
        assertThat(record.headers().lastHeader("ce_account")).as("an operator's own event belongs to no account").isNull();
    }

    @Test
    void kafkasClientMetricsAreReportedForTheRelaysProducerAndTheFanoutsConsumer() {
        String id = Orders.place("relay-metrics");
        orderTopic.awaitKey("order/" + id, 1);
        assertThat(Metrics.value("kafka_producer_record_send_total", Map.of("client_id", "kafka-producer-events-out")))
                .isPositive();
        assertThat(Metrics.exposition()).containsPattern("(?m)^kafka_consumer_\\w+\\{[^}]*client_id=\"kafka-consumer-webhook-fanout\"");
    }

    @Test
    void anAccountsEventCarriesItsAccountOnKafka() {
        Accounts.Tenant tenant = Accounts.create("relay-account");
        String id = tenant.given().body(Orders.newOrder("relay-account")).post("/orders").then().statusCode(201).extract().path("id");
        ConsumerRecord<String, String> record = orderTopic.awaitKey("order/" + id, 1).get(0);
        assertThat(header(record, "ce_account")).isEqualTo(tenant.id());
    }

    @Test
    void theEventOnKafkaIsTheOneInTheLog() throws Exception {
        String id = Orders.place("relay-2");
        ConsumerRecord<String, String> record = orderTopic.awaitKey("order/" + id, 1).get(0);
        String eventId = JSON.readTree(record.value()).get("eventId").asText();
        JsonNode logged = JSON.readTree(Api.given().get("/events/{id}", eventId).then().statusCode(200).extract().asString());
        assertThat(logged.get("sequence").asLong()).isPositive();
        assertThat(logged.get("event")).isEqualTo(JSON.readTree(record.value()));
    }

    @Test
    void eventsOfOneSubjectArriveInCommitOrder() {
        String id = Orders.place("relay-3");
        Api.given().body(Map.of("shippingAddress", Map.of("line1", "a", "city", "b", "postalCode", "c", "country", "DE")))
                .patch("/orders/{id}", id).then().statusCode(200);
        Orders.pay(id);
        Orders.ship(id);
        Api.given().post("/orders/{id}/delivery", id).then().statusCode(200);

        List<String> types = orderTopic.awaitKey("order/" + id, 5).stream().map(r -> header(r, "ce_type")).toList();
        assertThat(types).containsExactly("order.created", "order.updated", "order.payment_received", "order.shipped", "order.delivered");
    }

    @Test
    void aMutationThatFailsAfterAppendingItsEventLeavesNoOutboxRow() {
        String id = Orders.place("relay-4");
        Orders.pay(id);
        // Make the order's update fail inside the database, after the outbox row was inserted.
        Database.execute("""
                create or replace function refuse_exploding_shipments() returns trigger language plpgsql as $$
                begin
                  if new.tracking_number = 'EXPLODE' then raise exception 'refused by test trigger'; end if;
                  return new;
                end $$;
                drop trigger if exists refuse_exploding_shipments on orders;
                create trigger refuse_exploding_shipments before update on orders
                  for each row execute function refuse_exploding_shipments();""");
        try {
            long before = Database.outboxRows("order/" + id);
            Api.given().body(Map.of("carrier", "DHL", "trackingNumber", "EXPLODE")).post("/orders/{id}/shipments", id)
                    .then().statusCode(500).contentType("application/problem+json");
            assertThat(Database.outboxRows("order/" + id)).isEqualTo(before);
            assertThat(Database.count("select count(*) from outbox where subject = ? and event_type = 'order.shipped'", "order/" + id)).isZero();
            Api.given().get("/orders/{id}", id).then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("payment_received"));
        } finally {
            Database.execute("drop trigger if exists refuse_exploding_shipments on orders");
        }
    }

    static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

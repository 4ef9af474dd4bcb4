package dev.tidings.faults;

import dev.tidings.support.KafkaBroker;
import dev.tidings.support.Orders;
import dev.tidings.support.PostgresServer;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import dev.tidings.support.WebhookReceiver;
import io.restassured.response.Response;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL restarts under load: requests during the window answer 503 problem+json with Retry-After,
 * never 500; the service recovers by itself (pools, LISTEN connection, relay, worker); every order that
 * was acknowledged is there afterwards and its event reaches the webhook receiver.
 */
@Tag("processes")
class DatabaseRestartIT {

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("database-restart-it.log");

    @Test
    void aRestartAnswers503AndLosesNothing() throws Exception {
        Path data = Files.createTempDirectory("tidings-restart-postgres");
        int port = KafkaBroker.freePort();
        PostgresServer postgres = PostgresServer.start(data, port);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Map<String, String> environment = ServiceProcesses.webhookEnvironment();
            environment.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl());
            environment.put("QUARKUS_DATASOURCE_REACTIVE_URL", postgres.reactiveUrl());
            ServiceProcess service = services.start(environment);
            String url = receiver.newEndpoint();
            // made directly: the shared database's cleanup does not reach this one, which is thrown away
            service.request().body(Map.of("url", url, "eventTypes", List.of("order.created"))).post("/webhooks").then().statusCode(201);

            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            Set<Integer> statuses = ConcurrentHashMap.newKeySet();
            AtomicInteger unavailable = new AtomicInteger();
            AtomicReference<String> badAnswer = new AtomicReference<>();
            ExecutorService writers = Executors.newFixedThreadPool(2);
            long until = System.nanoTime() + Duration.ofSeconds(25).toNanos();
            List<Future<?>> running = List.of(
                    writers.submit(() -> write(service, until, acknowledged, statuses, unavailable, badAnswer)),
                    writers.submit(() -> write(service, until, acknowledged, statuses, unavailable, badAnswer)));

            Thread.sleep(5_000);
            postgres.close();
            Thread.sleep(1_000);
            postgres = PostgresServer.start(data, port);
            Instant back = Instant.now();
            int before = acknowledged.size();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> acknowledged.size() > before + 5);
            System.out.printf("PostgreSQL restart: writes acknowledged again %d ms after the database was back; %d answers were 503%n",
                    Duration.between(back, Instant.now()).toMillis(), unavailable.get());
            for (Future<?> writer : running) {
                writer.get();
            }
            writers.shutdown();

            assertThat(badAnswer.get()).as("only 201 or 503 problem+json with Retry-After").isNull();
            assertThat(statuses).doesNotContain(500);
            for (String id : acknowledged) {
                service.request().get("/orders/{id}", id).then().statusCode(200);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests(url).stream()
                    .map(r -> r.json().path("data").path("orderId").asText()).distinct()
                    .filter(acknowledged::contains).count() == acknowledged.size());
        } finally {
            postgres.close();
        }
    }

    private static void write(ServiceProcess service, long until, Set<String> acknowledged, Set<Integer> statuses,
                              AtomicInteger unavailable, AtomicReference<String> badAnswer) {
        while (System.nanoTime() < until) {
            Response response = service.request().body(Orders.newOrder("restart")).post("/orders");
            statuses.add(response.statusCode());
            if (response.statusCode() == 201) {
                acknowledged.add(response.path("id"));
            } else if (response.statusCode() == 503 && response.getHeader("Retry-After") != null
                    && response.contentType().startsWith("application/problem+json")) {
                unavailable.incrementAndGet();
            } else {
                badAnswer.compareAndSet(null, response.statusCode() + " " + response.asString());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

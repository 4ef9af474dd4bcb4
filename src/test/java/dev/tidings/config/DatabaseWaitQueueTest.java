package dev.tidings.config;

import dev.tidings.support.Api;
import dev.tidings.support.ConfigOverrideProfile;
import dev.tidings.support.Database;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CONTRACT §14, memory without bound: requests waiting for a database connection are bounded per instance
 * ({@code events.limits.database-wait-queue}); those beyond it are answered 503 with Retry-After at once and
 * write nothing, while those admitted complete once connections come free.
 */
@QuarkusTest
@TestProfile(DatabaseWaitQueueTest.SmallPool.class)
class DatabaseWaitQueueTest {

    private static final int WAIT_QUEUE = 3;
    private static final int MORE = 10;

    public static class SmallPool extends ConfigOverrideProfile {
        public SmallPool() {
            super(Map.of("quarkus.datasource.reactive.max-size", "2", "events.limits.database-wait-queue", Integer.toString(WAIT_QUEUE)));
        }
    }

    @TestHTTPResource
    URL service;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void requestsBeyondTheWaitQueueAreTurnedAwayAndTheOthersComplete() throws Exception {
        String customer = "crowd-" + UUID.randomUUID();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        try (Connection locker = Database.connect()) {
            locker.setAutoCommit(false);
            // Every transaction that reaches the outbox (an order's, the relay's) waits behind this lock, holding its connection
            locker.createStatement().execute("lock table outbox in exclusive mode");
            answers.add(placeOrder(customer));
            answers.add(placeOrder(customer));
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingForOutboxLock() >= 2); // both connections held
            for (int i = 0; i < MORE; i++) {
                answers.add(placeOrder(customer));
            }
            // at most WAIT_QUEUE of them may wait (background work may take places too): the rest are answered now
            await().atMost(Duration.ofSeconds(10)).until(() -> answers.stream().filter(CompletableFuture::isDone).count() >= MORE - WAIT_QUEUE);
            locker.rollback();
        }
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            responses.add(answer.get(20, TimeUnit.SECONDS));
        }
        List<HttpResponse<String>> turnedAway = responses.stream().filter(r -> r.statusCode() == 503).toList();
        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isIn(201, 503));
        assertThat(turnedAway).hasSizeGreaterThanOrEqualTo(MORE - WAIT_QUEUE).allSatisfy(r -> {
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(r.body()).contains("\"status\":503");
        });
        long created = responses.stream().filter(r -> r.statusCode() == 201).count();
        assertThat(created).isPositive();
        assertThat(Database.count("select count(*) from orders where customer_id = ?", customer)).isEqualTo(created);
    }

    private CompletableFuture<HttpResponse<String>> placeOrder(String customer) {
        String body = "{\"customerId\":\"" + customer + "\",\"currency\":\"EUR\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1,\"unitPrice\":5}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.toString()).resolve("/orders"))
                .header("Authorization", "Bearer " + Api.KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static long waitingForOutboxLock() {
        return Database.count("select count(*) from pg_locks l join pg_class c on c.oid = l.relation "
                + "where c.relname = 'outbox' and not l.granted");
    }
}

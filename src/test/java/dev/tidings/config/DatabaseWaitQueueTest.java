package dev.tidings.config;

import dev.tidings.support.Accounts;
import dev.tidings.support.Api;
import dev.tidings.support.ConfigOverrideProfile;
import dev.tidings.support.Database;
import dev.tidings.support.Metrics;
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
 * ({@code events.limits.database-wait-queue}); one beyond the bound is answered 503 with Retry-After at once
 * and writes nothing (so is a request whose key must be looked up first), while those waiting complete
 * once connections come free.
 */
@QuarkusTest
@TestProfile(DatabaseWaitQueueTest.SmallPool.class)
class DatabaseWaitQueueTest {

    private static final int POOL = 2;
    /** Room for the background work's waiters (at most one per loop, fewer than this) and a few orders. */
    private static final int WAIT_QUEUE = 10;
    /** Without a bound on the wait queue, this many requests would all wait. */
    private static final int ENOUGH = 40;

    public static class SmallPool extends ConfigOverrideProfile {
        public SmallPool() {
            super(Map.of("quarkus.datasource.reactive.max-size", Integer.toString(POOL),
                    "events.limits.database-wait-queue", Integer.toString(WAIT_QUEUE)));
        }
    }

    @TestHTTPResource
    URL service;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aRequestBeyondTheWaitQueueIsTurnedAwayAndTheWaitingOnesComplete() throws Exception {
        String customer = "crowd-" + UUID.randomUUID();
        String freshKey = Accounts.create("crowd").key(); // never used yet: authenticating it needs the database
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        HttpResponse<String> turnedAway = null;
        long heldWhenTurnedAway;
        HttpResponse<String> keyTurnedAway = null;
        try (Connection locker = Database.connect()) {
            locker.setAutoCommit(false);
            // Every transaction that reaches the outbox (an order's, the relay's) waits behind this lock, holding its connection
            locker.createStatement().execute("lock table outbox in exclusive mode");
            double activeBefore = Metrics.value("http_server_active_requests");
            // one order at a time, each sent once the service holds the ones before it, until one is turned away
            while (turnedAway == null && answers.size() < ENOUGH) {
                CompletableFuture<HttpResponse<String>> answer = placeOrder(customer);
                answers.add(answer);
                await().atMost(Duration.ofSeconds(10)).until(() -> answer.isDone()
                        || Metrics.value("http_server_active_requests") - activeBefore >= answers.size());
                if (answer.isDone()) {
                    turnedAway = answer.get();
                }
            }
            heldWhenTurnedAway = answers.stream().filter(answer -> !answer.isDone()).count();
            // the wait queue is still full (nothing leaves it while the lock is held): so is the key's look-up
            if (turnedAway != null) {
                keyTurnedAway = client.send(HttpRequest.newBuilder(URI.create(service.toString()).resolve("/orders"))
                        .header("Authorization", "Bearer " + freshKey).timeout(Duration.ofSeconds(30)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            locker.rollback();
        }
        assertThat(turnedAway).as("an order beyond the pool and its wait queue is answered at once").isNotNull();
        assertThat(turnedAway.statusCode()).isEqualTo(503);
        assertThat(turnedAway.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(turnedAway.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(turnedAway.body()).contains("\"status\":503");
        // authentication, before any resource, answers the same way
        assertThat(keyTurnedAway.statusCode()).isEqualTo(503);
        assertThat(keyTurnedAway.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(keyTurnedAway.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(keyTurnedAway.body()).contains("\"status\":503");
        // the relay and other background work may take places of the pool and the queue too, never more than there are
        assertThat(heldWhenTurnedAway).isBetween(1L, (long) POOL + WAIT_QUEUE);
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            responses.add(answer.get(20, TimeUnit.SECONDS));
        }
        long created = responses.stream().filter(r -> r.statusCode() == 201).count();
        assertThat(created).isEqualTo(heldWhenTurnedAway);
        assertThat(Database.count("select count(*) from orders where customer_id = ?", customer)).isEqualTo(created);
    }

    private CompletableFuture<HttpResponse<String>> placeOrder(String customer) {
        String body = "{\"customerId\":\"" + customer + "\",\"currency\":\"EUR\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1,\"unitPrice\":5}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.toString()).resolve("/orders"))
                .header("Authorization", "Bearer " + Api.KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }
}

package dev.tidings.order;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.Metrics;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that goes away while its order is being written: the write still commits whole (order and
 * outbox row), as if the client had waited for the answer, instead of being cut off inside its transaction.
 */
@QuarkusTest
class ClientGoneMidWriteTest {

    @TestHTTPResource
    URL service;
    @Inject
    Vertx vertx;

    @Test
    void anOrderWhoseClientLeftDuringItsTransactionIsCommittedWhole() throws Exception {
        String customer = "gone-" + UUID.randomUUID();
        String body = "{\"customerId\":\"" + customer + "\",\"currency\":\"EUR\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":1,\"unitPrice\":5}]}";
        // HTTP/2: a client that gives up resets its stream, and the server learns of it at once
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false).setDefaultHost(service.getHost()).setDefaultPort(service.getPort()));
        try (Connection locker = Database.connect()) {
            locker.setAutoCommit(false);
            // The order's outbox insert waits behind this lock: the request is inside its transaction when the client leaves
            locker.createStatement().execute("lock table outbox in exclusive mode");
            HttpClientRequest request = client.request(HttpMethod.POST, "/orders").toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            request.putHeader("Authorization", "Bearer " + Api.KEY).putHeader("Content-Type", "application/json").end(body);
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingForOutboxLock() > 0);
            double active = Metrics.value("http_server_active_requests");
            request.reset();
            // the service has seen the client go before the transaction may go on
            await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.value("http_server_active_requests") < active);
            locker.rollback();
        } finally {
            client.close();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(Database.count("select count(*) from orders where customer_id = ?", customer)).isEqualTo(1);
            assertThat(Database.count("select count(*) from outbox o join orders r on o.subject = 'order/' || r.id "
                    + "where r.customer_id = ?", customer)).isEqualTo(1);
        });
    }

    private static long waitingForOutboxLock() {
        return Database.count("select count(*) from pg_locks l join pg_class c on c.oid = l.relation "
                + "where c.relname = 'outbox' and not l.granted");
    }
}

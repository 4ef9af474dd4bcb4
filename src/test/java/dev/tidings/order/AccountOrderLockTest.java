package dev.tidings.order;

import dev.tidings.support.Accounts;
import dev.tidings.support.Accounts.Tenant;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Placing an account's order takes no lock on the account's row (migration V22): all concurrent writers of one
 * account would otherwise share that row's lock. Here the row is locked FOR UPDATE by another transaction, which
 * would hold back any writer that needs even a key-share lock on it.
 */
@QuarkusTest
class AccountOrderLockTest {

    @Test
    void anAccountsOrderDoesNotWaitForTheAccountsRow() throws Exception {
        Tenant tenant = Accounts.create("lock-free-orders");
        try (Connection holder = Database.connect()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("select id from account where id = ?::uuid for update")) {
                lock.setString(1, tenant.id());
                lock.execute();
            }
            CompletableFuture<String> placed = CompletableFuture.supplyAsync(() -> tenant.given().body(Orders.newOrder("lock-free"))
                    .post("/orders").then().statusCode(201).extract().path("id"));
            try {
                await().atMost(Duration.ofSeconds(10)).until(placed::isDone);
            } finally {
                holder.rollback();
            }
            assertThat(Database.strings("select account_id::text from orders where id = ?::uuid", placed.get())).containsExactly(tenant.id());
        }
    }
}

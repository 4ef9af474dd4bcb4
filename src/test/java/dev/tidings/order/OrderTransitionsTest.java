package dev.tidings.order;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Illegal transitions answer 409 and leave the order and the outbox untouched. */
@QuarkusTest
class OrderTransitionsTest {

    private static final Map<String, Object> PAYMENT = Map.of("amount", 25.50, "reference", "r");
    private static final Map<String, Object> SHIPMENT = Map.of("carrier", "UPS", "trackingNumber", "1Z");
    private static final Map<String, Object> CANCELLATION = Map.of("reason", "no");
    private static final Map<String, Object> UPDATE = Map.of("items", java.util.List.of(Map.of("sku", "A", "quantity", 1, "unitPrice", 1)));

    @Test
    void shippingBeforePaymentIs409() {
        assertRefusedIn("created", (spec, id) -> spec.body(SHIPMENT).post("/orders/{id}/shipments", id));
    }

    @Test
    void payingTwiceIs409() {
        assertRefusedIn("payment_received", (spec, id) -> spec.body(PAYMENT).post("/orders/{id}/payments", id));
    }

    @Test
    void deliveringBeforeShippingIs409() {
        assertRefusedIn("created", (spec, id) -> spec.post("/orders/{id}/delivery", id));
    }

    @Test
    void cancellingOnceShippedIs409() {
        assertRefusedIn("shipped", (spec, id) -> spec.body(CANCELLATION).post("/orders/{id}/cancellation", id));
    }

    @Test
    void updatingAfterPaymentIs409() {
        assertRefusedIn("payment_received", (spec, id) -> spec.body(UPDATE).patch("/orders/{id}", id));
    }

    @Test
    void nothingHappensAfterDelivery() {
        String id = orderIn("delivered");
        assertRefused(id, "delivered", spec -> spec.body(CANCELLATION).post("/orders/{id}/cancellation", id));
        assertRefused(id, "delivered", spec -> spec.body(SHIPMENT).post("/orders/{id}/shipments", id));
        assertRefused(id, "delivered", spec -> spec.post("/orders/{id}/delivery", id));
        assertRefused(id, "delivered", spec -> spec.body(UPDATE).patch("/orders/{id}", id));
    }

    @Test
    void nothingHappensAfterCancellation() {
        String id = orderIn("cancelled");
        assertRefused(id, "cancelled", spec -> spec.body(PAYMENT).post("/orders/{id}/payments", id));
        assertRefused(id, "cancelled", spec -> spec.body(CANCELLATION).post("/orders/{id}/cancellation", id));
        assertRefused(id, "cancelled", spec -> spec.body(UPDATE).patch("/orders/{id}", id));
    }

    /** The request is refused for a fresh order in {@code status}. */
    private static void assertRefusedIn(String status, BiFunction<RequestSpecification, String, Response> request) {
        String id = orderIn(status);
        assertRefused(id, status, spec -> request.apply(spec, id));
    }

    /** A fresh order brought to {@code status} through the legal transitions. */
    private static String orderIn(String status) {
        String id = Orders.place("c");
        switch (status) {
            case "created" -> { }
            case "cancelled" -> Api.given().body(CANCELLATION).post("/orders/{id}/cancellation", id).then().statusCode(200);
            case "payment_received" -> Orders.pay(id);
            case "shipped" -> {
                Orders.pay(id);
                Orders.ship(id);
            }
            case "delivered" -> {
                Orders.pay(id);
                Orders.ship(id);
                Api.given().post("/orders/{id}/delivery", id).then().statusCode(200);
            }
            default -> throw new IllegalArgumentException(status);
        }
        Api.given().get("/orders/{id}", id).then().body("status", equalTo(status));
        return id;
    }

    private static void assertRefused(String id, String status, Function<RequestSpecification, Response> request) {
        long eventsBefore = Database.outboxRows("order/" + id);
        String updatedBefore = Api.given().get("/orders/{id}", id).then().extract().path("updatedAt");
        request.apply(Api.given()).then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("title", equalTo("Conflict"));
        assertThat(Database.outboxRows("order/" + id)).isEqualTo(eventsBefore);
        Api.given().get("/orders/{id}", id).then().body("status", equalTo(status)).body("updatedAt", equalTo(updatedBefore));
    }
}

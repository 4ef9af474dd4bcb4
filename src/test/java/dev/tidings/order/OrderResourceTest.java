package dev.tidings.order;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
class OrderResourceTest {

    private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @Test
    void placingAnOrderAnswersItsRepresentation() {
        Api.given().body(Orders.newOrder("cust-1")).post("/orders").then()
                .statusCode(201)
                .header("Location", notNullValue())
                .body("id", notNullValue())
                .body("customerId", equalTo("cust-1"))
                .body("currency", equalTo("EUR"))
                .body("items[0].sku", equalTo("SKU-1"))
                .body("total", equalTo(25.5f))
                .body("status", equalTo("created"))
                .body("payment", nullValue())
                .body("createdAt", matchesPattern(TIMESTAMP))
                .body("updatedAt", matchesPattern(TIMESTAMP));
    }

    @Test
    void linesAndAddressAreStoredAsJsonObjectsAndReadBackAfterAChange() {
        String id = Orders.place("cust-json");
        Api.given().body(Map.of("shippingAddress", Map.of("line1", "1 Main St", "city", "Berlin", "postalCode", "10115", "country", "DE"),
                        "items", java.util.List.of(Map.of("sku", "SKU-9", "quantity", 3, "unitPrice", 1.10))))
                .patch("/orders/{id}", id).then().statusCode(200);
        // jsonb objects, not JSON strings holding them: queries and other readers of the table see their fields
        assertThat(Database.strings("select jsonb_typeof(items) || ' ' || (items #>> '{items,0,sku}') || ' ' || jsonb_typeof(shipping_address)"
                + " || ' ' || (shipping_address ->> 'city') from orders where id = ?::uuid", id)).containsExactly("object SKU-9 object Berlin");
        Api.given().get("/orders/{id}", id).then().statusCode(200)
                .body("items.sku", equalTo(java.util.List.of("SKU-9")))
                .body("items[0].unitPrice", equalTo(1.10f))
                .body("total", equalTo(3.30f))
                .body("shippingAddress.city", equalTo("Berlin"))
                .body("shippingAddress.line2", nullValue());
    }

    @Test
    void anOrderGoesThroughItsWholeLifecycle() {
        String id = Orders.place("cust-life");
        Api.given().body(Map.of("shippingAddress", Map.of("line1", "1 Main St", "city", "Berlin", "postalCode", "10115", "country", "DE")))
                .patch("/orders/{id}", id).then().statusCode(200).body("shippingAddress.city", equalTo("Berlin"));
        Orders.pay(id);
        Orders.ship(id);
        Api.given().post("/orders/{id}/delivery", id).then().statusCode(200)
                .body("status", equalTo("delivered"))
                .body("payment.amount", equalTo(25.5f))
                .body("payment.paidAt", matchesPattern(TIMESTAMP))
                .body("shipment.carrier", equalTo("DHL"));
        Api.given().get("/orders/{id}", id).then().statusCode(200).body("status", equalTo("delivered"));
    }

    @Test
    void cancellationIsLegalAfterPayment() {
        String id = Orders.place("cust-cancel");
        Orders.pay(id);
        Api.given().body(Map.of("reason", "changed my mind")).post("/orders/{id}/cancellation", id).then()
                .statusCode(200).body("status", equalTo("cancelled")).body("cancellationReason", equalTo("changed my mind"));
    }

    @Test
    void listingFiltersByStatusAndPages() {
        String cursor = Orders.place("cust-list"); // the lists below start after it, whatever came before
        String first = Orders.place("cust-list");
        String second = Orders.place("cust-list");
        Orders.pay(second);
        Api.given().queryParam("status", "payment_received").queryParam("after", cursor).queryParam("limit", 1000).get("/orders").then()
                .statusCode(200).body("items.id", hasItem(second)).body("items.id", not(hasItem(first)))
                .body("items.status", everyItem(equalTo("payment_received")));
        Api.given().queryParam("status", "created").queryParam("after", cursor).queryParam("limit", 1000).get("/orders").then()
                .statusCode(200).body("items.id", hasItem(first)).body("items.id", not(hasItem(second)))
                .body("items.status", everyItem(equalTo("created")));
        Api.given().queryParam("status", "paid").get("/orders").then().statusCode(400).body("errors[0].field", equalTo("status"));
        String next = Api.given().queryParam("after", first).queryParam("limit", 1).get("/orders").then()
                .statusCode(200).body("items[0].id", equalTo(second)).extract().path("next");
        Api.given().queryParam("after", next).queryParam("limit", 1000).get("/orders").then()
                .statusCode(200).body("next", nullValue());
    }

    @Test
    void anUnknownOrderIs404() {
        Api.given().get("/orders/{id}", "0190a3c4-0000-7000-8000-000000000000").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
    }
}

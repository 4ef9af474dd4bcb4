package dev.tidings.problem;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/** Bad input gets RFC 9457 problem+json with a clear message, and nothing is written. */
@QuarkusTest
class ProblemResponsesTest {

    @Test
    void malformedJsonIs400() {
        Api.given().body("{\"customerId\": ").post("/orders").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", notNullValue())
                .body("title", equalTo("Bad Request"))
                .body("status", equalTo(400))
                .body("detail", equalTo("The request body is not valid JSON."))
                .body(not(containsString("Exception")));
    }

    @Test
    void missingFieldsAreNamed() {
        Api.given().body(Map.of("currency", "euro", "items", List.of())).post("/orders").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("customerId"))
                .body("errors.field", hasItem("currency"))
                .body("errors.field", hasItem("items"));
    }

    @Test
    void anAmountWithThreeDecimalsIs400() {
        Api.given().body(Map.of("customerId", "c", "currency", "EUR",
                        "items", List.of(Map.of("sku", "A", "quantity", 1, "unitPrice", 1.123))))
                .post("/orders").then()
                .statusCode(400)
                .body("errors[0].field", equalTo("items[0].unitPrice"));
    }

    @Test
    void anAmountAsAStringIs400() {
        Api.given().body("{\"customerId\":\"c\",\"currency\":\"EUR\",\"items\":[{\"sku\":\"A\",\"quantity\":1,\"unitPrice\":\"1.00\"}]}")
                .post("/orders").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("items[0].unitPrice"));
    }

    @Test
    void aPaymentOtherThanTheTotalIs400AndWritesNothing() {
        String id = Orders.place("c");
        long before = Database.outboxRows("order/" + id);
        Api.given().body(Map.of("amount", 25.49, "reference", "r")).post("/orders/{id}/payments", id).then()
                .statusCode(400)
                .body("errors[0].field", equalTo("amount"));
        assertThat(Database.outboxRows("order/" + id)).isEqualTo(before);
        Api.given().get("/orders/{id}", id).then().body("status", equalTo("created"));
    }

    @Test
    void anEmptyBodyIs400() {
        Api.given().post("/orders").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void anOversizedBodyIs413() {
        String huge = "x".repeat(1_100_000);
        Api.given().body(Map.of("customerId", huge, "currency", "EUR", "items", List.of())).post("/orders").then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("status", equalTo(413));
    }

    @Test
    void anOversizedBodyWithoutAKeyIs401() {
        RestAssured.given().contentType("application/json").body("{\"customerId\":\"" + "x".repeat(1_100_000) + "\"}")
                .post("/orders").then()
                .statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void anOversizedChunkedBodyIs413() {
        byte[] huge = ("{\"customerId\":\"" + "x".repeat(1_100_000) + "\"}").getBytes();
        Api.given().body(new java.io.ByteArrayInputStream(huge)).post("/orders").then()
                .statusCode(413)
                .contentType("application/problem+json");
    }

    @Test
    void anotherMediaTypeIs415() {
        RestAssured.given().header("Authorization", "Bearer " + Api.KEY).contentType("text/plain").body("hello")
                .post("/orders").then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body("status", equalTo(415));
    }

    @Test
    void anInvalidLimitIs400() {
        Api.given().queryParam("limit", 0).get("/events").then().statusCode(400).body("errors[0].field", equalTo("limit"));
        Api.given().queryParam("limit", 1001).get("/orders").then().statusCode(400).body("errors[0].field", equalTo("limit"));
        Api.given().queryParam("limit", "ten").get("/events").then().statusCode(400);
    }

    @Test
    void anUnknownPathIs404ProblemJson() {
        Api.given().get("/nothing-here").then().statusCode(404).contentType("application/problem+json");
    }
}

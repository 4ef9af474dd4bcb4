package dev.tidings.auth;

import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
class ApiKeyAuthenticationTest {

    @Test
    void withoutAKeyEveryEndpointIs401ProblemJson() {
        for (String path : new String[]{"/orders", "/events", "/events/0190a3c4-0000-7000-8000-000000000000",
                "/orders/0190a3c4-0000-7000-8000-000000000000/history"}) {
            RestAssured.given().get(path).then()
                    .statusCode(401)
                    .header("WWW-Authenticate", "Bearer")
                    .contentType("application/problem+json")
                    .body("status", equalTo(401));
        }
        RestAssured.given().contentType("application/json").body(Orders.newOrder("c")).post("/orders").then()
                .statusCode(401).contentType("application/problem+json");
    }

    @Test
    void authenticationComesBeforeContentNegotiation() {
        RestAssured.given().accept("application/json").get("/events/stream").then()
                .statusCode(401).contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
        RestAssured.given().contentType("text/plain").body("x").post("/orders").then()
                .statusCode(401).contentType("application/problem+json");
        RestAssured.given().header("Authorization", "Bearer nope").accept("application/xml").get("/orders").then()
                .statusCode(401).contentType("application/problem+json");
    }

    @Test
    void aWrongKeyIs401() {
        RestAssured.given().header("Authorization", "Bearer nope").get("/orders").then()
                .statusCode(401).contentType("application/problem+json");
    }

    @Test
    void everyConfiguredKeyIsAccepted() {
        RestAssured.given().header("Authorization", "Bearer second-test-key").get("/orders").then().statusCode(200);
        RestAssured.given().header("Authorization", "bearer test-key").get("/orders").then().statusCode(200);
    }

    @Test
    void theAccessTokenParameterIsNotAcceptedOutsideTheStream() {
        RestAssured.given().queryParam("access_token", "test-key").get("/orders").then().statusCode(401);
    }

    @Test
    void operationsEndpointsNeedNoKey() {
        RestAssured.given().get("/q/health/live").then().statusCode(200);
        RestAssured.given().get("/q/openapi").then().statusCode(200);
    }
}

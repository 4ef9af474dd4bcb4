package dev.tidings.schema;

import dev.tidings.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.oneOf;

/** Schemas and type names that could hang, overflow or never be published are refused at the door (CONTRACT §14). */
@QuarkusTest
class HostileSchemaTest {

    /** Exponential backtracking in java.util.regex, even with the memoization of JDK 9 and later. */
    private static final String CATASTROPHIC = "^(?:(?:a+)+)+$";
    /** The same trap behind a literal prefix, which registration's probes do not guess: only evaluation's budget stops it. */
    private static final String CATASTROPHIC_AFTER_X = "^x(?:(?:a+)+)+$";
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    private static Map<String, Object> stringSchema(String pattern) {
        return Map.of("type", "object", "properties", Map.of("code", Map.of("type", "string", "pattern", pattern)));
    }

    @Test
    void aSchemaLargerThanTheLimitIs413() {
        Map<String, Object> huge = Map.of("type", "object", "description", "x".repeat(70_000));
        String type = EventTypeRegistryTest.freshType();
        Api.given().body(Map.of("eventType", type, "schema", huge)).post("/event-types").then()
                .statusCode(413).contentType("application/problem+json").body("status", equalTo(413));
        Api.given().get("/event-types/{type}/versions/1", type).then().statusCode(404);

        EventTypeRegistryTest.register(type);
        Api.given().body(Map.of("schema", huge)).post("/event-types/{type}/versions", type).then()
                .statusCode(413).contentType("application/problem+json");
        Api.given().get("/event-types/{type}/versions/2", type).then().statusCode(404);
    }

    @Test
    void aResourcePartThatMakesNoKafkaTopicIs400() {
        String resource = "r".repeat(243);
        Api.given().body(Map.of("eventType", resource + ".happened", "schema", Map.of("type", "object"))).post("/event-types").then()
                .statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("eventType"));
        String longest = "r".repeat(242) + ".happened";
        Api.given().body(Map.of("eventType", longest, "schema", Map.of("type", "object"))).post("/event-types").then()
                .statusCode(oneOf(201, 409));
    }

    @Test
    void aNameLongerThan255Is400() {
        String name = "long.a" + "b".repeat(250);
        assertThat(name).hasSize(256);
        Api.given().body(Map.of("eventType", name, "schema", Map.of("type", "object"))).post("/event-types").then()
                .statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("eventType"));
    }

    @Test
    void aCatastrophicPatternIsRefusedNamingItsLocation() {
        Api.given().body(Map.of("eventType", EventTypeRegistryTest.freshType(), "schema", stringSchema(CATASTROPHIC)))
                .post("/event-types").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("schema.properties.code.pattern"));
    }

    @Test
    void aCatastrophicPatternPropertiesKeyIsRefused() {
        Map<String, Object> schema = Map.of("type", "object", "patternProperties", Map.of(CATASTROPHIC, Map.of("type", "string")));
        String type = EventTypeRegistryTest.freshType();
        EventTypeRegistryTest.register(type);
        Api.given().body(Map.of("schema", schema)).post("/event-types/{type}/versions", type).then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("schema.patternProperties." + CATASTROPHIC));
    }

    @Test
    void aPatternJavaCannotCompileIs400() {
        Api.given().body(Map.of("eventType", EventTypeRegistryTest.freshType(), "schema", stringSchema("^(?<n>a)\\k<m>$")))
                .post("/event-types").then()
                .statusCode(400).body("errors.field", hasItem("schema.properties.code.pattern"));
    }

    @Test
    void adversarialDataIs422WithinTheBudgetAndTheServiceStaysResponsive() {
        String type = EventTypeRegistryTest.freshType();
        Api.given().body(Map.of("eventType", type, "schema", stringSchema(CATASTROPHIC_AFTER_X))).post("/event-types").then().statusCode(201);

        CompletableFuture<Response> adversarial = CompletableFuture.supplyAsync(() -> Api.given()
                .body(Map.of("eventType", type, "subject", "code/1", "data", Map.of("code", "x" + "a".repeat(30) + "!")))
                .post("/events"));
        Api.given().get("/event-types/{type}/versions/1", type).then().statusCode(200);
        await().atMost(PATIENCE).until(adversarial::isDone);
        adversarial.join().then().statusCode(422).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("time budget"));

        Api.given().body(Map.of("eventType", type, "subject", "code/2", "data", Map.of("code", "xaaa"))).post("/events").then()
                .statusCode(202);
        Api.given().body(Map.of("eventType", type, "subject", "code/3", "data", Map.of("code", "xaab"))).post("/events").then()
                .statusCode(422).body("errors.field", hasItem("data.code"));
    }

    @Test
    void ordinaryPatternsStillWork() {
        String type = EventTypeRegistryTest.freshType();
        Map<String, Object> schema = Map.of("type", "object",
                "properties", Map.of("currency", Map.of("type", "string", "pattern", "^[A-Z]{3}$")),
                "patternProperties", Map.of("^x-[a-z]+$", Map.of("type", "integer")));
        Api.given().body(Map.of("eventType", type, "schema", schema)).post("/event-types").then().statusCode(201);
        Api.given().body(Map.of("eventType", type, "subject", "money/1", "data", Map.of("currency", "EUR", "x-count", 3)))
                .post("/events").then().statusCode(202);
        Api.given().body(Map.of("eventType", type, "subject", "money/2", "data", Map.of("currency", "euro", "x-count", "three")))
                .post("/events").then().statusCode(422)
                .body("errors.field", hasItem("data.currency"));
    }

    @Test
    void dataNestedAsDeepAsJsonAllowsIsNeverA5xx() {
        String type = EventTypeRegistryTest.freshType();
        Map<String, Object> recursive = Map.of("type", "object",
                "$defs", Map.of("nest", Map.of("type", "array", "items", Map.of("$ref", "#/$defs/nest"))),
                "properties", Map.of("a", Map.of("$ref", "#/$defs/nest")));
        Api.given().body(Map.of("eventType", type, "schema", recursive)).post("/event-types").then().statusCode(201);
        int depth = 990;
        String body = "{\"eventType\":\"" + type + "\",\"subject\":\"nest/1\",\"data\":{\"a\":"
                + "[".repeat(depth) + "]".repeat(depth) + "}}";
        int status = Api.given().body(body).post("/events").then().extract().statusCode();
        assertThat(status).isIn(202, 400, 413, 422);
    }
}

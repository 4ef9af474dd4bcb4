package dev.tidings.eventlog;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** POST /events refuses what it could never publish, and hostile bodies, with a 4xx problem and nothing written (CONTRACT §14). */
@QuarkusTest
class HostileEventTest {

    private static final int EVENT_BYTES = 262_144;
    /** A hundred times what Jackson reads by default (StreamReadConstraints: 1000 levels). */
    private static final int DEPTH = 100_000;
    private String type;

    @BeforeEach
    void registerAType() {
        type = "hostile" + UUID.randomUUID().toString().replaceAll("[^a-f]", "") + ".happened";
        Api.given().body(Map.of("eventType", type, "schema", Map.of("type", "object"))).post("/event-types").then().statusCode(201);
    }

    @Test
    void dataLargerThanTheLimitIs413AndWritesNothing() {
        String subject = "big/" + UUID.randomUUID();
        // {"blob":"…"} is 11 bytes around the string
        Api.given().body(Map.of("eventType", type, "subject", subject, "data", Map.of("blob", "x".repeat(EVENT_BYTES - 10))))
                .post("/events").then()
                .statusCode(413).contentType("application/problem+json").body("status", equalTo(413));
        assertThat(Database.outboxRows(subject)).isZero();

        Api.given().body(Map.of("eventType", type, "subject", subject, "data", Map.of("blob", "x".repeat(EVENT_BYTES - 11))))
                .post("/events").then().statusCode(202);
    }

    @Test
    void aSubjectWithAControlCharacterIs400() {
        String subject = "bell/" + UUID.randomUUID() + "\u0007";
        Api.given().body(Map.of("eventType", type, "subject", subject, "data", Map.of())).post("/events").then()
                .statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("subject"));
        assertThat(Database.outboxRows(subject)).isZero();
    }

    @Test
    void aSubjectWithWhitespaceIs400() {
        for (String subject : new String[]{"space/a b", "tab/a\tb", "nbsp/a\u00a0b", "line/a\u2028b"}) {
            Api.given().body(Map.of("eventType", type, "subject", subject, "data", Map.of())).post("/events").then()
                    .statusCode(400).body("errors.field", hasItem("subject"));
        }
    }

    @Test
    void aSubjectLongerThan255Is400() {
        Api.given().body(Map.of("eventType", type, "subject", "long/" + "x".repeat(251), "data", Map.of())).post("/events").then()
                .statusCode(400).body("errors.field", hasItem("subject"));
        Api.given().body(Map.of("eventType", type, "subject", "long/" + "x".repeat(250), "data", Map.of())).post("/events").then()
                .statusCode(202);
    }

    @Test
    void deeplyNestedDataIs400() throws Exception {
        String nested = "[".repeat(DEPTH) + "]".repeat(DEPTH);
        HttpResponse<String> response = post("/events", "{\"eventType\":\"" + type + "\",\"subject\":\"deep/1\",\"data\":{\"a\":" + nested + "}}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"status\":400").doesNotContain("Exception");
    }

    @Test
    void aDeeplyNestedSchemaIs400() throws Exception {
        String nested = "[".repeat(DEPTH) + "]".repeat(DEPTH);
        HttpResponse<String> response = post("/event-types", "{\"eventType\":\"deep.schema\",\"schema\":{\"type\":\"object\",\"x\":" + nested + "}}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    }

    /** Sent without RestAssured, whose request logging would pretty-print the nesting. */
    private static HttpResponse<String> post(String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + path))
                .header("Authorization", "Bearer " + Api.KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}

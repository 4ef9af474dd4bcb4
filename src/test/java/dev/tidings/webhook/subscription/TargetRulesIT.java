package dev.tidings.webhook.subscription;

import dev.tidings.support.Api;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/** The packaged service, as the black-box suites run it, refuses plain-HTTP and local targets as production does. */
@QuarkusIntegrationTest
class TargetRulesIT {

    @ParameterizedTest
    @ValueSource(strings = {"http://hooks.example.com/x", "https://127.0.0.1/x", "https://localhost/x", "https://10.0.0.1/x"})
    void refusedAtCreation(String url) {
        Api.given().body(Map.of("url", url, "eventTypes", List.of("order.*"))).post("/webhooks").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("url"));
    }
}

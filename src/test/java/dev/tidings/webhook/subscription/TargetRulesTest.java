package dev.tidings.webhook.subscription;

import dev.tidings.support.Api;
import dev.tidings.support.ConfigOverrideProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/** The SSRF rules with their production defaults, at creation (at delivery time: {@link TargetRulesAtDeliveryTest}). */
@QuarkusTest
@TestProfile(TargetRulesTest.ProductionTargetRules.class)
class TargetRulesTest {

    public static class ProductionTargetRules extends ConfigOverrideProfile {
        public ProductionTargetRules() {
            super(Map.of("events.webhooks.allow-http", "false", "events.webhooks.allow-private-targets", "false"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/x", "https://localhost/x", "https://2130706433/x", "https://0x7f000001/x",
            "https://0177.0.0.1/x", "https://127.1/x", "https://[::1]/x", "https://[::ffff:127.0.0.1]/x",
            "https://169.254.169.254/latest/meta-data", "https://10.0.0.1/x", "https://192.168.0.1/x", "https://172.16.0.1/x",
            "https://100.64.0.1/x", "https://[fd00::1]/x", "https://[fe80::1]/x", "https://[64:ff9b::a00:1]/x",
            "https://does-not-resolve.invalid/x", "http://hooks.example.com/x", "https://user:pass@hooks.example.com/x"})
    void refusedAtCreation(String url) {
        Api.given().body(Map.of("url", url, "eventTypes", List.of("order.*"))).post("/webhooks").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("url"));
    }
}

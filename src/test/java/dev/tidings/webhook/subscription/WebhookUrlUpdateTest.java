package dev.tidings.webhook.subscription;

import dev.tidings.support.Api;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

/** A new URL given by PATCH passes the same URL rules as on creation (CONTRACT §6). */
@QuarkusTest
class WebhookUrlUpdateTest {

    private static final String URL = "http://127.0.0.1:9/hooks/url-update";

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://user:pass@127.0.0.1:9/hooks/x", "/hooks/relative", "//127.0.0.1:9/hooks/x",
            "ftp://127.0.0.1/hooks/x", "not a url"})
    void aRefusedUrlIsA400NamingUrlAndChangesNothing(String url) {
        String id = Webhooks.subscribe(URL, List.of("order.created")).getString("id");

        Api.given().body(Map.of("url", url, "description", "changed")).patch("/webhooks/{id}", id).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem("url"));
        Api.given().get("/webhooks/{id}", id).then().statusCode(200)
                .body("url", equalTo(URL))
                .body("description", nullValue());
    }
}

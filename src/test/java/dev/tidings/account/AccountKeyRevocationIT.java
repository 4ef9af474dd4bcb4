package dev.tidings.account;

import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A revoked account key is refused at once by the replica that revoked it and within 5 seconds by
 * every other replica, even one that accepted it a moment before (CONTRACT §11).
 */
@Tag("processes")
class AccountKeyRevocationIT {

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("account-key-revocation-it.log");

    @Test
    void aRevokedKeyIsRefusedOnEveryReplicaWithinFiveSeconds() throws Exception {
        ServiceProcess first = services.start(ServiceProcesses.environment());
        ServiceProcess second = services.start(ServiceProcesses.environment());
        String account = first.request().body(Map.of("name", "revocation")).post("/accounts").then().statusCode(201)
                .extract().path("id");
        JsonPath issued = first.request().body(Map.of()).post("/accounts/{id}/keys", account).then().statusCode(201).extract().jsonPath();
        String key = issued.getString("key");
        // the second replica has checked the key and remembers it
        for (int i = 0; i < 3; i++) {
            asAccount(second, key).get("/accounts/{id}", account).then().statusCode(200);
        }

        first.request().delete("/accounts/{id}/keys/{keyId}", account, issued.getString("id")).then().statusCode(204);
        asAccount(first, key).get("/accounts/{id}", account).then().statusCode(401);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> asAccount(second, key).get("/accounts/{id}", account).statusCode() == 401);
    }

    private static RequestSpecification asAccount(ServiceProcess instance, String key) {
        return RestAssured.given().baseUri(instance.baseUri()).header("Authorization", "Bearer " + key);
    }
}

package dev.tidings.support;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.util.Map;

/** Test helpers for accounts: create one, issue its keys, and send requests as it. */
public final class Accounts {

    private Accounts() {
    }

    /** An account and one of its keys. */
    public record Tenant(String id, String key) {

        /** A request with this account's key. */
        public RequestSpecification given() {
            return RestAssured.given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
        }

        /** A request with the operator key, acting as this account. */
        public RequestSpecification operatorActingAs() {
            return Api.given().header("Tidings-Account", id);
        }

        public Map<String, String> authorization() {
            return Map.of("Authorization", "Bearer " + key);
        }
    }

    /** Creates an account (as the operator) and issues it a key. */
    public static Tenant create(String name) {
        String id = Api.given().body(Map.of("name", name)).post("/accounts").then().statusCode(201).extract().path("id");
        return new Tenant(id, issueKey(id));
    }

    public static String issueKey(String accountId) {
        return Api.given().body(Map.of("description", "test")).post("/accounts/{id}/keys", accountId)
                .then().statusCode(201).extract().path("key");
    }
}

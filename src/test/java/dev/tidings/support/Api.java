package dev.tidings.support;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Requests as an authenticated client of the API. */
public final class Api {

    public static final String KEY = "test-key";

    private Api() {
    }

    public static RequestSpecification given() {
        return RestAssured.given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON);
    }
}

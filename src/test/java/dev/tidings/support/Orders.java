package dev.tidings.support;

import io.restassured.path.json.JsonPath;

import java.util.Map;

/** Test helpers that drive the orders API through HTTP. */
public final class Orders {

    private Orders() {
    }

    public static Map<String, Object> newOrder(String customerId) {
        return Map.of("customerId", customerId, "currency", "EUR",
                "items", java.util.List.of(Map.of("sku", "SKU-1", "quantity", 2, "unitPrice", 10.25),
                        Map.of("sku", "SKU-2", "quantity", 1, "unitPrice", 5)));
    }

    /** Places an order and answers its id. */
    public static String place(String customerId) {
        return Api.given().body(newOrder(customerId)).post("/orders").then().statusCode(201).extract().path("id");
    }

    public static JsonPath pay(String id) {
        return Api.given().body(Map.of("amount", 25.50, "reference", "pay-" + id)).post("/orders/{id}/payments", id)
                .then().statusCode(200).extract().jsonPath();
    }

    public static JsonPath ship(String id) {
        return Api.given().body(Map.of("carrier", "DHL", "trackingNumber", "TN-" + id)).post("/orders/{id}/shipments", id)
                .then().statusCode(200).extract().jsonPath();
    }
}

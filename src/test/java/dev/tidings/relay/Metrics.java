package dev.tidings.relay;

import io.restassured.RestAssured;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one value from the service's Prometheus endpoint. */
final class Metrics {

    private Metrics() {
    }

    /** The value of a sample without labels (or with the registry's common ones), 0 when absent. */
    static double value(String name) {
        String text = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)( #.*)?$").matcher(text);
        return sample.find() ? Double.parseDouble(sample.group(2)) : 0;
    }
}

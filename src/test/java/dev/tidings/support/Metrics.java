package dev.tidings.support;

import io.restassured.RestAssured;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Values from the service's Prometheus endpoint ({@code /q/metrics}), open without a key. */
public final class Metrics {

    private Metrics() {
    }

    /** The current value of a series without labels (or with the service's common ones); fails if it is not exposed. */
    public static double value(String name) {
        String exposition = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)( #.*)?$").matcher(exposition);
        if (!sample.find()) {
            throw new AssertionError("No metric " + name + " in /q/metrics");
        }
        return Double.parseDouble(sample.group(2));
    }

    /** The current value of the series with these labels (among others); fails if it is not exposed. */
    public static double value(String name, Map<String, String> labels) {
        String exposition = exposition();
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)( #.*)?$").matcher(exposition);
        while (sample.find()) {
            String found = sample.group(1);
            if (labels.entrySet().stream().allMatch(label -> found.contains(label.getKey() + "=\"" + label.getValue() + "\""))) {
                return Double.parseDouble(sample.group(2));
            }
        }
        throw new AssertionError("No metric " + name + " with " + labels + " in /q/metrics");
    }

    /** The whole Prometheus text exposition. */
    public static String exposition() {
        return RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
    }
}

package dev.tidings.portal;

import dev.tidings.support.Accounts.Tenant;
import io.restassured.RestAssured;
import io.restassured.response.Response;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Portal links and signed-in sessions over plain HTTP, for the tests that need no browser. */
final class PortalSignIn {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private PortalSignIn() {
    }

    /** A signed-in session: its cookie and the CSRF token of its forms. */
    record Session(String cookie, String csrf) {
    }

    /** A new portal link of the tenant's account, issued with its own key. */
    static String link(Tenant tenant) {
        return tenant.given().post("/accounts/{id}/portal-links", tenant.id()).then().statusCode(201).extract().path("url");
    }

    /** The path of a link, for RestAssured (which knows the test port). */
    static String path(String link) {
        return URI.create(link).getPath();
    }

    static Response open(String link) {
        return RestAssured.given().redirects().follow(false).get(path(link));
    }

    static Session signIn(Tenant tenant) {
        String cookie = open(link(tenant)).then().statusCode(303).extract().cookie(PortalCookies.SESSION);
        String page = RestAssured.given().cookie(PortalCookies.SESSION, cookie).get("/portal").then().statusCode(200).extract().asString();
        Matcher csrf = CSRF.matcher(page);
        if (!csrf.find()) {
            throw new AssertionError("No CSRF token on the endpoints page");
        }
        return new Session(cookie, csrf.group(1));
    }
}

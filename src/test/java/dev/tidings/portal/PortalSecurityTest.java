package dev.tidings.portal;

import dev.tidings.support.Accounts;
import dev.tidings.support.Accounts.Tenant;
import dev.tidings.support.Api;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import dev.tidings.support.PlainTextScan;
import dev.tidings.support.SseClient;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** Portal links and sessions (CONTRACT §15): no session without a link, cookie flags, CSRF, one account per session. */
@QuarkusTest
class PortalSecurityTest {

    private final WebhookReceiver receiver = WebhookReceiver.shared();
    private Tenant a;
    private Tenant b;

    @BeforeEach
    void twoAccounts() {
        a = Accounts.create("Portal A");
        b = Accounts.create("Portal B");
    }

    @AfterEach
    void deleteSubscriptions() {
        Webhooks.deleteAll();
    }

    @Test
    void portalPagesWithoutASessionShowHowToSignIn() {
        RestAssured.given().get("/portal").then().statusCode(401).contentType(containsString("text/html"))
                .body(containsString("Not signed in"));
        RestAssured.given().cookie(PortalCookies.SESSION, "tds_made-up").get("/portal").then().statusCode(401);
    }

    @Test
    void anOperatorOrTheAccountsOwnKeyIssuesLinksAndNobodyElse() {
        Api.given().post("/accounts/{id}/portal-links", a.id()).then().statusCode(201)
                .body("url", startsWith(RestAssured.baseURI)).body("url", containsString("/portal/links/tdl_"))
                .body("expiresAt", startsWith("20"));
        a.given().post("/accounts/{id}/portal-links", a.id()).then().statusCode(201);
        a.given().post("/accounts/{id}/portal-links", b.id()).then().statusCode(404);
        RestAssured.given().post("/accounts/{id}/portal-links", a.id()).then().statusCode(401);
    }

    @Test
    void aLinkSignsInOnceWithAStrictHttpOnlySessionCookie() {
        String link = PortalSignIn.link(a);
        Response opened = PortalSignIn.open(link);
        opened.then().statusCode(303).header("Location", containsString("/portal"));
        String setCookie = opened.getHeader("Set-Cookie");
        assertThat(setCookie).startsWith(PortalCookies.SESSION + "=tds_").contains("HttpOnly").containsIgnoringCase("SameSite=Strict")
                .contains("Max-Age=43200").contains("Path=/")
                .doesNotContain("Secure"); // the tests speak plain http; over https the cookie is Secure
        PortalSignIn.open(link).then().statusCode(410).body(containsString("This link no longer works"));
    }

    @Test
    void aLinkOpenedManyTimesAtOnceSignsInOnce() {
        String link = PortalSignIn.link(a);
        List<Integer> statuses = IntStream.range(0, 8).parallel().mapToObj(i -> PortalSignIn.open(link).statusCode()).toList();
        assertThat(statuses).containsOnly(303, 410).filteredOn(status -> status == 303).hasSize(1);
    }

    @Test
    void aSessionEndsAfterItsTwelveHours() {
        PortalSignIn.Session session = PortalSignIn.signIn(a);
        Database.update("update portal_session set expires_at = now() - interval '1 second' where account_id = ?::uuid", a.id());
        RestAssured.given().cookie(PortalCookies.SESSION, session.cookie()).get("/portal").then().statusCode(401);
    }

    @Test
    void anExpiredLinkShowsTheExplanatoryPage() {
        String link = PortalSignIn.link(a);
        Database.update("update portal_link set expires_at = now() - interval '1 second'");
        PortalSignIn.open(link).then().statusCode(410).contentType(containsString("text/html"));
        PortalSignIn.open(link.replace("tdl_", "tdl_x")).then().statusCode(410);
    }

    @Test
    void linksAndSessionsAreStoredAsDigestsOnly() {
        String link = PortalSignIn.link(a);
        String token = link.substring(link.lastIndexOf('/') + 1);
        String session = PortalSignIn.open(link).then().statusCode(303).extract().cookie(PortalCookies.SESSION);
        assertThat(PlainTextScan.occurrences(List.of(token, session, PortalTokens.csrf(session)))).isEmpty();
    }

    @Test
    void aFormWithoutTheSessionsCsrfTokenChangesNothing() {
        PortalSignIn.Session session = PortalSignIn.signIn(a);
        String url = receiver.newEndpoint();
        for (String csrf : new String[] {null, "forged", PortalSignIn.signIn(b).csrf()}) {
            var request = RestAssured.given().cookie(PortalCookies.SESSION, session.cookie()).redirects().follow(false)
                    .formParam("url", url).formParam("eventTypes", "*");
            if (csrf != null) {
                request.formParam("_csrf", csrf);
            }
            request.post("/portal/endpoints").then().statusCode(403).body(containsString("Form expired"));
        }
        a.given().get("/webhooks").then().statusCode(200).body("items.size()", equalTo(0));
        RestAssured.given().cookie(PortalCookies.SESSION, session.cookie()).redirects().follow(false)
                .formParam("_csrf", session.csrf()).formParam("url", url).formParam("eventTypes", "order.*")
                .post("/portal/endpoints").then().statusCode(201).body(containsString("whsec_"));
        a.given().get("/webhooks").then().statusCode(200).body("items[0].url", equalTo(url));
    }

    @Test
    void aRefusedEndpointShowsTheFormAgainWithTheApisReasons() {
        PortalSignIn.Session session = PortalSignIn.signIn(a);
        RestAssured.given().cookie(PortalCookies.SESSION, session.cookie()).formParam("_csrf", session.csrf())
                .formParam("url", "ftp://example.com/hook").formParam("eventTypes", "order.*").formParam("description", "kept")
                .post("/portal/endpoints").then().statusCode(400).contentType(containsString("text/html"))
                .body(containsString("The endpoint was not saved")).body(containsString("value=\"kept\""));
        RestAssured.given().cookie(PortalCookies.SESSION, session.cookie()).formParam("_csrf", session.csrf())
                .formParam("url", receiver.newEndpoint()).formParam("eventTypes", " ")
                .post("/portal/endpoints").then().statusCode(400).body(containsString("eventTypes"));
        a.given().get("/webhooks").then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void aSessionOfOneAccountCannotSeeOrChangeAnothersEndpoint() {
        String theirs = b.given().body(Map.of("url", receiver.newEndpoint(), "eventTypes", List.of("*")))
                .post("/webhooks").then().statusCode(201).extract().path("id");
        Webhooks.remember(theirs);
        PortalSignIn.Session session = PortalSignIn.signIn(a);
        for (String page : List.of("/portal/endpoints/" + theirs, "/portal/endpoints/" + theirs + "/edit", "/portal/endpoints/not-an-id")) {
            RestAssured.given().cookie(PortalCookies.SESSION, session.cookie()).get(page).then().statusCode(404)
                    .body(containsString("Not found"));
        }
        for (String action : List.of("/delete", "/status", "/secret", "/test", "/dead-letters/replay")) {
            RestAssured.given().cookie(PortalCookies.SESSION, session.cookie()).redirects().follow(false).formParam("_csrf", session.csrf())
                    .formParam("status", "disabled").post("/portal/endpoints/" + theirs + action).then().statusCode(404);
        }
        RestAssured.given().cookie(PortalCookies.SESSION, session.cookie()).get("/portal").then().statusCode(200)
                .body(not(containsString(theirs)));
        b.given().get("/webhooks/{id}", theirs).then().statusCode(200).body("status", equalTo("active"));
    }

    @Test
    void theSessionCookieOpensNoOtherApiEndpoint() {
        PortalSignIn.Session session = PortalSignIn.signIn(a);
        for (String path : List.of("/webhooks", "/events", "/dead-letters", "/accounts/" + a.id())) {
            RestAssured.given().cookie(PortalCookies.SESSION, session.cookie()).get(path).then().statusCode(401);
        }
    }

    @Test
    void theSessionCookieOpensTheStreamOfItsOwnAccountOnly() throws Exception {
        PortalSignIn.Session session = PortalSignIn.signIn(a);
        Map<String, String> cookie = Map.of("Cookie", PortalCookies.SESSION + "=" + session.cookie());
        try (SseClient stream = SseClient.connect(RestAssured.port, "/events/stream?types=order.created", cookie)) {
            assertThat(stream.status()).isEqualTo(200);
            b.given().body(Orders.newOrder("theirs")).post("/orders").then().statusCode(201);
            String ours = a.given().body(Orders.newOrder("ours")).post("/orders").then().statusCode(201).extract().path("id");
            List<SseClient.Frame> events = stream.awaitEvents(1, Duration.ofSeconds(20));
            assertThat(events.get(0).data()).contains(ours);
            assertThat(stream.events()).noneMatch(frame -> frame.data().contains("theirs"));
        }
        try (SseClient other = SseClient.connect(RestAssured.port, "/events/stream?account=" + b.id(), cookie)) {
            assertThat(other.status()).isEqualTo(403);
        }
    }

    @Test
    void signingOutEndsTheSession() {
        PortalSignIn.Session session = PortalSignIn.signIn(a);
        Response out = RestAssured.given().cookie(PortalCookies.SESSION, session.cookie()).formParam("_csrf", session.csrf())
                .post("/portal/sign-out");
        out.then().statusCode(200).body(containsString("Signed out"));
        assertThat(out.getHeader("Set-Cookie")).contains("Max-Age=0");
        RestAssured.given().cookie(PortalCookies.SESSION, session.cookie()).get("/portal").then().statusCode(401);
    }

    @Test
    void pagesForbidFramingAndInlineScript() {
        PortalSignIn.Session session = PortalSignIn.signIn(a);
        RestAssured.given().cookie(PortalCookies.SESSION, session.cookie()).get("/portal").then().statusCode(200)
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .header("X-Frame-Options", equalTo("DENY")).header("Cache-Control", equalTo("no-store"));
        assertThat(URI.create(PortalSignIn.link(a)).getPath()).startsWith("/portal/links/");
    }
}

package dev.tidings.portal;

import dev.tidings.support.Accounts;
import dev.tidings.support.Accounts.Tenant;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import dev.tidings.support.WebhookReceiver;
import dev.tidings.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The portal in a real headless Chromium (CONTRACT §15): sign in with a link, manage an endpoint, watch
 * its deliveries, replay a dead letter, rotate the secret, see the live view, and nothing of another
 * account. Takes the README's screenshots on the way.
 */
@QuarkusTest
class PortalBrowserTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final WebhookReceiver receiver = WebhookReceiver.shared();
    private Tenant account;
    private PortalBrowser browser;

    @BeforeEach
    void signedInBrowser() {
        account = Accounts.create("Acme Shop");
        browser = new PortalBrowser();
        browser.open(PortalSignIn.link(account));
        assertThat(browser.heading()).isEqualTo("Endpoints");
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
        Webhooks.deleteAll();
    }

    @Test
    void anEndpointCreatedInThePortalReceivesTheAccountsEvents() {
        browser.screenshot("endpoints-empty");
        String url = receiver.newEndpoint();
        String id = createEndpoint(url, "order.*", "Fulfilment service");

        placeOrder();
        receiver.awaitRequests(url, 1);
        awaitOnEndpointPage(id, () -> browser.find(By.id("attempt-table")).getText().contains("succeeded"));
        assertThat(browser.find(By.id("attempt-table")).getText()).contains("order.created").contains("200");
        browser.screenshot("endpoint");
        browser.screenshot("endpoint-phone", PortalBrowser.PHONE);

        browser.open(base() + "/portal");
        assertThat(browser.text()).contains(url).contains("active");
        browser.screenshot("endpoints");
    }

    @Test
    void aFailingAttemptIsListedWithItsStatusAndItsDeadLetterReplayed() {
        String url = receiver.newEndpoint();
        receiver.alwaysFail(url);
        String id = createEndpoint(url, "order.created", "");

        placeOrder();
        awaitOnEndpointPage(id, () -> browser.driver().findElements(By.id("dead-letter-table")).size() == 1);
        String attempts = browser.find(By.id("attempt-table")).getText();
        assertThat(attempts).contains("failed").contains("500");
        browser.screenshot("endpoint-failing");

        receiver.recover(url);
        int before = receiver.requests(url).size();
        browser.click(By.cssSelector("#dead-letter-table button[type=submit]"));
        assertThat(browser.text()).contains("Replay started");
        receiver.awaitRequests(url, before + 1);
        awaitOnEndpointPage(id, () -> browser.driver().findElements(By.id("dead-letter-table")).isEmpty()
                && browser.find(By.id("attempt-table")).getText().contains("succeeded"));
    }

    @Test
    void rotatingTheSecretShowsTheNewSecretOnce() {
        String id = createEndpoint(receiver.newEndpoint(), "*", "");
        String first = browser.find(By.id("secret")).getAttribute("value");
        browser.open(base() + "/portal/endpoints/" + id);
        browser.submit("/secret");
        assertThat(browser.heading()).isEqualTo("Secret rotated");
        String rotated = browser.find(By.id("secret")).getAttribute("value");
        assertThat(rotated).startsWith("whsec_").isNotEqualTo(first);
        browser.screenshot("secret-rotated");
        browser.open(base() + "/portal/endpoints/" + id);
        assertThat(browser.driver().getPageSource()).doesNotContain(rotated).doesNotContain(first);
    }

    @Test
    void disablingEnablingTestingAndDeletingAnEndpoint() {
        String url = receiver.newEndpoint();
        String id = createEndpoint(url, "*", "");
        browser.open(base() + "/portal/endpoints/" + id);
        browser.submit("/status");
        assertThat(browser.text()).contains("Endpoint disabled");
        browser.submit("/status");
        assertThat(browser.text()).contains("Endpoint enabled");
        browser.submit("/test");
        receiver.awaitRequests(url, 1);
        awaitOnEndpointPage(id, () -> browser.find(By.id("attempt-table")).getText().contains("webhook.test"));
        browser.click(By.linkText("Edit"));
        browser.fill("description", "Renamed in the portal");
        browser.click(By.cssSelector("main form button[type=submit]"));
        assertThat(browser.text()).contains("Changes saved").contains("Renamed in the portal");
        browser.submit("/delete");
        assertThat(browser.text()).contains("Endpoint deleted").doesNotContain(url);
    }

    @Test
    void recoveryDeliversTheEventsSinceATimeAgain() {
        String url = receiver.newEndpoint();
        String id = createEndpoint(url, "order.created", "");
        placeOrder();
        receiver.awaitRequests(url, 1);
        browser.open(base() + "/portal/endpoints/" + id);
        String since = LocalDateTime.now(ZoneOffset.UTC).minusHours(1).truncatedTo(ChronoUnit.SECONDS).toString();
        // A datetime-local field takes typed keys in the browser's locale; the value itself is ISO in every one
        browser.driver().executeScript("document.getElementById('since').value = arguments[0]", since);
        browser.submit("/recovery");
        assertThat(browser.text()).contains("Recovery started");
        receiver.awaitRequests(url, 2);
    }

    @Test
    void theLiveViewShowsANewEventWithoutReloading() {
        browser.open(base() + "/portal/live");
        await().atMost(PATIENCE).until(() -> browser.find(By.id("live-state")).getText().startsWith("Connected"));
        Object page = browser.driver().executeScript("return window.performance.timeOrigin");
        String order = placeOrder();
        await().atMost(PATIENCE).until(() -> browser.find(By.id("live-events")).getText().contains("order.created"));
        assertThat(browser.find(By.id("live-events")).getText()).contains(order);
        assertThat(browser.driver().executeScript("return window.performance.timeOrigin")).isEqualTo(page);
        browser.screenshot("live");
    }

    @Test
    void theCatalogueShowsEachVersionsSchema() {
        browser.open(base() + "/portal/catalogue");
        browser.find(By.xpath("//section[.//code[text()='order.created']]//summary[contains(., 'Version 1')]")).click();
        assertThat(browser.text()).contains("order.created").contains("Version 1").contains("\"type\"");
        browser.screenshot("catalogue");
    }

    @Test
    void anotherAccountsEndpointIsNotFoundByEditingTheUrl() {
        Tenant other = Accounts.create("Someone else");
        String theirs = other.given().body(Map.of("url", receiver.newEndpoint(), "eventTypes", List.of("*")))
                .post("/webhooks").then().statusCode(201).extract().path("id");
        Webhooks.remember(theirs);
        browser.open(base() + "/portal/endpoints/" + theirs);
        assertThat(browser.heading()).isEqualTo("Not found");
        browser.screenshot("not-found");
    }

    @Test
    void aUsedLinkAndAnExpiredLinkShowTheGonePage() {
        String used = PortalSignIn.link(account);
        browser.open(used);
        browser.open(used);
        assertThat(browser.heading()).isEqualTo("This link no longer works");
        browser.screenshot("link-gone");

        String expired = PortalSignIn.link(account);
        Database.update("update portal_link set expires_at = now() - interval '1 second' where used_at is null");
        browser.open(expired);
        assertThat(browser.heading()).isEqualTo("This link no longer works");
    }

    /** Fills the new-endpoint form, checks the secret page, and answers the endpoint's id. */
    private String createEndpoint(String url, String eventTypes, String description) {
        browser.open(base() + "/portal");
        browser.click(By.linkText("Add endpoint"));
        browser.fill("url", url);
        browser.fill("eventTypes", eventTypes);
        browser.fill("description", description);
        boolean pictured = !description.isEmpty(); // one test's endpoint, so the pictures do not depend on the test order
        if (pictured) {
            browser.screenshot("endpoint-new");
        }
        browser.click(By.cssSelector("main form button[type=submit]"));
        assertThat(browser.heading()).isEqualTo("Endpoint added");
        assertThat(browser.find(By.id("secret")).getAttribute("value")).startsWith("whsec_");
        if (pictured) {
            browser.screenshot("secret");
        }
        String continueTo = browser.find(By.linkText("Continue to the endpoint")).getAttribute("href");
        return continueTo.substring(continueTo.lastIndexOf('/') + 1);
    }

    private String placeOrder() {
        return account.given().body(Orders.newOrder("customer-portal")).post("/orders").then().statusCode(201).extract().path("id");
    }

    /** Reloads the endpoint's page until the condition holds, as a person would. */
    private void awaitOnEndpointPage(String id, Callable<Boolean> condition) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
            browser.open(base() + "/portal/endpoints/" + id);
            return condition.call();
        });
    }

    private String base() {
        String current = browser.driver().getCurrentUrl();
        return current.substring(0, current.indexOf("/portal"));
    }
}

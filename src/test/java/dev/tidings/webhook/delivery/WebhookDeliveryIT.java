package dev.tidings.webhook.delivery;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same black-box checks against the packaged service (the jar here, the native executable with -Dnative). */
@QuarkusIntegrationTest
class WebhookDeliveryIT extends WebhookDeliveryTest {
}

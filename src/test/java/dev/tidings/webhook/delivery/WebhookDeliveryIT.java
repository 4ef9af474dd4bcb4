package dev.tidings.webhook.delivery;

import dev.tidings.support.LocalReceiverProfile;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** The same black-box checks against the packaged service (the jar here, the native executable with -Dnative). */
@QuarkusIntegrationTest
@TestProfile(LocalReceiverProfile.class)
class WebhookDeliveryIT extends WebhookDeliveryTest {
}

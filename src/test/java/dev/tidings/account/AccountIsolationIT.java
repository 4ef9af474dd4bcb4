package dev.tidings.account;

import dev.tidings.support.LocalReceiverProfile;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** The same isolation checks against the packaged service, with production settings but for a local receiver. */
@QuarkusIntegrationTest
@TestProfile(LocalReceiverProfile.class)
class AccountIsolationIT extends AccountIsolationTest {
}

package dev.tidings.support;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * For black-box suites that deliver to the {@link WebhookReceiver}: plain HTTP on 127.0.0.1, which the
 * packaged service otherwise refuses as production does.
 */
public class LocalReceiverProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("events.webhooks.allow-http", "true", "events.webhooks.allow-private-targets", "true");
    }
}

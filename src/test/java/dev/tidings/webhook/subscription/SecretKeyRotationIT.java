package dev.tidings.webhook.subscription;

import com.standardwebhooks.Webhook;
import dev.tidings.secrets.SecretCipher;
import dev.tidings.support.Database;
import dev.tidings.support.Orders;
import dev.tidings.support.ServiceProcess;
import dev.tidings.support.ServiceProcesses;
import dev.tidings.support.WebhookReceiver;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A new first key in {@code events.secrets.keys} takes over the stored signing secrets within a minute of
 * startup; once it has, the old key can go and every subscription still signs with the secret it was given.
 */
@Tag("processes")
class SecretKeyRotationIT {

    @RegisterExtension
    static final ServiceProcesses services = new ServiceProcesses("secret-key-rotation-it.log");

    /** CONTRACT §11: "within a minute of startup", plus the slack of a busy machine. */
    private static final Duration RESEALED_WITHIN = Duration.ofSeconds(70);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void storedSecretsAreSealedUnderANewFirstKeyAndStillSignAfterTheOldKeyIsRemoved() throws Exception {
        String oldKey = newKey();
        String newKey = newKey();
        String oldFingerprint = SecretCipher.of(List.of(oldKey)).sealingFingerprint();
        String newFingerprint = SecretCipher.of(List.of(newKey)).sealingFingerprint();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String url = receiver.newEndpoint();
            ServiceProcess first = services.start(environment(oldKey));
            JsonPath created = services.subscribeWithSecret(first, url, List.of("order.created"));
            String webhookId = created.getString("id");
            String original = created.getString("secret");
            String rotated = first.request().post("/webhooks/{id}/secret/rotation", webhookId).then().statusCode(200)
                    .extract().path("secret");
            first.request().body(Orders.newOrder("key-rotation-1")).post("/orders").then().statusCode(201);
            assertSignedWithBoth(receiver.awaitRequests(url, 1).get(0), original, rotated);
            assertThat(fingerprints(webhookId)).containsExactly(oldFingerprint, oldFingerprint);
            first.stop();

            ServiceProcess second = services.start(environment(newKey + "," + oldKey));
            await().atMost(RESEALED_WITHIN).untilAsserted(() -> {
                assertThat(fingerprints(webhookId)).containsExactly(newFingerprint, newFingerprint);
                // The old key is this test's own: no row anywhere is left under it.
                assertThat(Database.count("select count(*) from webhook_secret where key_fingerprint = ?", oldFingerprint)).isZero();
            });
            second.stop();

            ServiceProcess third = services.start(environment(newKey));
            third.request().body(Orders.newOrder("key-rotation-2")).post("/orders").then().statusCode(201);
            assertSignedWithBoth(receiver.awaitRequests(url, 2).get(1), original, rotated);
            third.stop();

            String log = Files.readString(services.log());
            for (String secret : List.of(original, rotated)) {
                assertThat(log).doesNotContain(secret.substring("whsec_".length()));
            }
            assertThat(log).doesNotContain(oldKey).doesNotContain(newKey);
        }
    }

    private static void assertSignedWithBoth(WebhookReceiver.Received request, String original, String rotated) throws Exception {
        new Webhook(original).verify(request.body(), request.headers());
        new Webhook(rotated).verify(request.body(), request.headers());
    }

    /** The key fingerprints of the subscription's stored secrets, oldest first. */
    private static List<String> fingerprints(String webhookId) {
        return Database.strings("select key_fingerprint from webhook_secret where webhook_id = ? order by id", UUID.fromString(webhookId));
    }

    private static Map<String, String> environment(String keys) {
        Map<String, String> environment = ServiceProcesses.webhookEnvironment();
        environment.put("EVENTS_SECRETS_KEYS", keys);
        return environment;
    }

    private static String newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}

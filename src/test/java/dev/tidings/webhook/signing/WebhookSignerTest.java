package dev.tidings.webhook.signing;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Our signatures, checked by the official Standard Webhooks verifier. */
class WebhookSignerTest {

    private static final String BODY = "{\"eventId\":\"e1\",\"data\":{\"é\":\"ü\"}}";

    @Test
    void newSecretsAreWhsecAndBase64() {
        String secret = WebhookSigner.newSecret();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSizeBetween(24, 64);
        assertThat(WebhookSigner.newSecret()).isNotEqualTo(secret);
    }

    @Test
    void theOfficialLibraryVerifiesOurSignature() throws Exception {
        String secret = WebhookSigner.newSecret();
        long now = Instant.now().getEpochSecond();
        new Webhook(secret).verify(BODY, headers("msg_1", now, WebhookSigner.signature("msg_1", now, BODY, List.of(secret))));
    }

    @Test
    void aWrongSecretOrATamperedBodyFails() {
        String secret = WebhookSigner.newSecret();
        long now = Instant.now().getEpochSecond();
        String signature = WebhookSigner.signature("msg_1", now, BODY, List.of(secret));
        assertThatThrownBy(() -> new Webhook(WebhookSigner.newSecret()).verify(BODY, headers("msg_1", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(secret).verify(BODY + " ", headers("msg_1", now, signature)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void duringRotationEachSecretVerifies() throws Exception {
        String old = WebhookSigner.newSecret();
        String fresh = WebhookSigner.newSecret();
        long now = Instant.now().getEpochSecond();
        String signature = WebhookSigner.signature("msg_2", now, BODY, List.of(fresh, old));
        assertThat(signature.split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        new Webhook(old).verify(BODY, headers("msg_2", now, signature));
        new Webhook(fresh).verify(BODY, headers("msg_2", now, signature));
    }

    private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature));
    }
}

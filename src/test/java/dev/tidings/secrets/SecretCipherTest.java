package dev.tidings.secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sealing and opening secrets under the configured keys, and the keys that are refused. */
class SecretCipherTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final UUID SUBSCRIPTION = UUID.fromString("0190a3c4-0000-7000-8000-000000000001");

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void aSealedSecretOpensToTheSameSecret() {
        SecretCipher cipher = SecretCipher.of(List.of(newKey()));
        assertThat(cipher.open(SUBSCRIPTION, cipher.seal(SUBSCRIPTION, SECRET))).isEqualTo(SECRET);
    }

    @Test
    void theSealedFormHoldsNeitherTheSecretNorItsBytesAndNamesTheSealingKey() {
        String key = newKey();
        SecretCipher cipher = SecretCipher.of(List.of(key));
        SecretCipher.Sealed sealed = cipher.seal(SUBSCRIPTION, SECRET);
        String hex = HexFormat.of().formatHex(sealed.bytes());
        assertThat(hex).doesNotContain(HexFormat.of().formatHex(SECRET.getBytes(StandardCharsets.UTF_8)));
        assertThat(new String(sealed.bytes(), StandardCharsets.ISO_8859_1)).doesNotContain("whsec_");
        assertThat(sealed.keyFingerprint()).isEqualTo(SecretCipher.fingerprint(Base64.getDecoder().decode(key)))
                .matches("[0-9a-f]{8}");
    }

    @Test
    void sealingTheSameSecretTwiceGivesDifferentBytes() {
        SecretCipher cipher = SecretCipher.of(List.of(newKey()));
        assertThat(cipher.seal(SUBSCRIPTION, SECRET).bytes()).isNotEqualTo(cipher.seal(SUBSCRIPTION, SECRET).bytes());
    }

    @Test
    void aSecretMovedToAnotherSubscriptionDoesNotOpen() {
        SecretCipher cipher = SecretCipher.of(List.of(newKey()));
        SecretCipher.Sealed sealed = cipher.seal(SUBSCRIPTION, SECRET);
        assertThatThrownBy(() -> cipher.open(UUID.randomUUID(), sealed)).isInstanceOf(SecretCipher.Unreadable.class)
                .hasMessageContaining("another subscription").hasMessageNotContaining(SECRET);
    }

    @Test
    void anAlteredSecretDoesNotOpen() {
        SecretCipher cipher = SecretCipher.of(List.of(newKey()));
        SecretCipher.Sealed sealed = cipher.seal(SUBSCRIPTION, SECRET);
        byte[] altered = sealed.bytes().clone();
        altered[altered.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.open(SUBSCRIPTION, new SecretCipher.Sealed(altered, sealed.keyFingerprint())))
                .isInstanceOf(SecretCipher.Unreadable.class);
    }

    @Test
    void aSecondConfiguredKeyOpensWhatItSealedAndTheFirstSealsIt() {
        String oldKey = newKey();
        SecretCipher before = SecretCipher.of(List.of(oldKey));
        SecretCipher.Sealed sealedBefore = before.seal(SUBSCRIPTION, SECRET);

        String newKey = newKey();
        SecretCipher after = SecretCipher.of(List.of(newKey, oldKey));
        assertThat(after.open(SUBSCRIPTION, sealedBefore)).isEqualTo(SECRET);
        assertThat(after.retiringFingerprints()).containsExactly(sealedBefore.keyFingerprint());

        SecretCipher.Sealed resealed = after.reseal(SUBSCRIPTION, sealedBefore);
        assertThat(resealed.keyFingerprint()).isEqualTo(after.sealingFingerprint()).isNotEqualTo(sealedBefore.keyFingerprint());
        assertThat(SecretCipher.of(List.of(newKey)).open(SUBSCRIPTION, resealed)).isEqualTo(SECRET);
    }

    @Test
    void aSecretUnderAKeyNoLongerConfiguredDoesNotOpenAndTheMessageNamesOnlyTheFingerprint() {
        String removedKey = newKey();
        SecretCipher.Sealed sealed = SecretCipher.of(List.of(removedKey)).seal(SUBSCRIPTION, SECRET);
        assertThatThrownBy(() -> SecretCipher.of(List.of(newKey())).open(SUBSCRIPTION, sealed))
                .isInstanceOf(SecretCipher.Unreadable.class)
                .hasMessageContaining(sealed.keyFingerprint()).hasMessageContaining("events.secrets.keys")
                .hasMessageNotContaining(removedKey);
    }

    @Test
    void noKeyIsRefusedNamingTheConfigurationKey() {
        assertThatThrownBy(() -> SecretCipher.of(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("events.secrets.keys");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not base64 at all!", "c2hvcnQ=", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    void aKeyThatIsNotBase64Or32BytesIsRefusedWithoutRepeatingIt(String malformed) {
        assertThatThrownBy(() -> SecretCipher.of(List.of(newKey(), malformed))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("events.secrets.keys").hasMessageContaining("key 2")
                .hasMessageNotContaining(malformed).hasNoCause();
    }

    @Test
    void theSameKeyListedTwiceIsRefused() {
        String key = newKey();
        assertThatThrownBy(() -> SecretCipher.of(List.of(key, key))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("events.secrets.keys").hasMessageNotContaining(key);
    }

    private static String newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}

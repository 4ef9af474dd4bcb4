package dev.tidings.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM under the keys of {@code events.secrets.keys} (the first seals, all open), bound to the
 * subscription by its id as associated data, naming the sealing key by a fingerprint (8 hex digits of its SHA-256).
 */
public final class SecretCipher {

    public static final String KEYS = "events.secrets.keys";

    private static final int KEY_BYTES = 32;
    /** GCM's standard nonce; random per seal, so a key may seal about 2^32 secrets before nonces risk repeating. */
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A sealed secret: the nonce followed by the ciphertext and tag, and the fingerprint of the key that sealed it. */
    public record Sealed(byte[] bytes, String keyFingerprint) {
    }

    /** A sealed secret that cannot be opened; the message never carries any part of a secret or key. */
    public static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message);
        }
    }

    private final Map<String, SecretKey> keys;
    private final String sealing;

    private SecretCipher(Map<String, SecretKey> keys) {
        this.keys = keys;
        this.sealing = keys.keySet().iterator().next();
    }

    /**
     * The cipher of these base64 keys, the sealing one first. Refuses none, a key that is not base64 or
     * not 32 bytes, or two keys with one fingerprint, naming {@value #KEYS} and the key's position only.
     */
    public static SecretCipher of(List<String> encodedKeys) {
        if (encodedKeys == null || encodedKeys.isEmpty()) {
            throw new IllegalArgumentException(KEYS + " is required: one or more base64 AES-256 keys, comma-separated "
                    + "(generate one with: head -c 32 /dev/urandom | base64)");
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (int i = 0; i < encodedKeys.size(); i++) {
            byte[] key = decode(encodedKeys.get(i), i + 1);
            String fingerprint = fingerprint(key);
            if (keys.put(fingerprint, new SecretKeySpec(key, "AES")) != null) {
                throw new IllegalArgumentException(KEYS + ": key " + (i + 1) + " has the fingerprint of an earlier key; list each key once");
            }
        }
        return new SecretCipher(keys);
    }

    /** The fingerprint of the key that seals. */
    public String sealingFingerprint() {
        return sealing;
    }

    /** The fingerprints of the keys that only open: what they sealed is due to be sealed again. */
    public List<String> retiringFingerprints() {
        return keys.keySet().stream().skip(1).toList();
    }

    public Set<String> fingerprints() {
        return keys.keySet();
    }

    public Sealed seal(UUID subscriptionId, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.get(sealing), nonce, subscriptionId);
            byte[] ciphertext = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return new Sealed(ByteBuffer.allocate(NONCE_BYTES + ciphertext.length).put(nonce).put(ciphertext).array(), sealing);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getClass().getSimpleName());
        }
    }

    /** The secret; {@link Unreadable} if its key is not configured or it was altered or moved to another subscription. */
    public String open(UUID subscriptionId, Sealed sealed) {
        SecretKey key = keys.get(sealed.keyFingerprint());
        if (key == null) {
            throw new Unreadable("The secret of subscription " + subscriptionId + " was sealed under key "
                    + sealed.keyFingerprint() + ", which " + KEYS + " does not hold");
        }
        byte[] bytes = sealed.bytes();
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new Unreadable("The sealed secret of subscription " + subscriptionId + " is truncated");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOf(bytes, NONCE_BYTES), subscriptionId);
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new Unreadable("The sealed secret of subscription " + subscriptionId + " does not open under key "
                    + sealed.keyFingerprint() + ": altered, or sealed for another subscription");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getClass().getSimpleName());
        }
    }

    /** The secret sealed under the sealing key; the same sealed secret when it already is. */
    public Sealed reseal(UUID subscriptionId, Sealed sealed) {
        return sealing.equals(sealed.keyFingerprint()) ? sealed : seal(subscriptionId, open(subscriptionId, sealed));
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] nonce, UUID subscriptionId) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(ByteBuffer.allocate(16).putLong(subscriptionId.getMostSignificantBits())
                .putLong(subscriptionId.getLeastSignificantBits()).array());
        return cipher;
    }

    /** The key's bytes; the message names its position, never its value (not even the offending character). */
    private static byte[] decode(String encoded, int position) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded.strip());
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException(KEYS + ": key " + position + " is not base64");
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(KEYS + ": key " + position + " is " + key.length + " bytes, an AES-256 key is "
                    + KEY_BYTES + " (generate one with: head -c 32 /dev/urandom | base64)");
        }
        return key;
    }

    static String fingerprint(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}

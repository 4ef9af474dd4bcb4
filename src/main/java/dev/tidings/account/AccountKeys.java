package dev.tidings.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Account keys: {@code tdk_} and 32 random bytes (base64url, 43 characters). Only a key's SHA-256
 * digest is stored; with 256 random bits a plain digest cannot be reversed or guessed, and a lookup by
 * digest tells a timing observer nothing about any stored key.
 */
public final class AccountKeys {

    public static final String MARK = "tdk_";
    /** Characters after the mark shown in lists, enough to tell keys apart. */
    static final int PREFIX_LENGTH = 8;
    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AccountKeys() {
    }

    public static String newKey() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return MARK + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static boolean looksLikeAccountKey(String key) {
        return key.startsWith(MARK);
    }

    static String prefix(String key) {
        return key.substring(MARK.length(), MARK.length() + PREFIX_LENGTH);
    }

    public static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}

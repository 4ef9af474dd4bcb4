package dev.tidings.portal;

import dev.tidings.account.AccountKeys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Portal link and session tokens: a mark and 32 random bytes (base64url). Only their SHA-256 digests
 * are stored; a session's CSRF token is derived from the session token, so it is never stored either
 * and a reader of the tables cannot forge one.
 */
final class PortalTokens {

    static final String LINK_MARK = "tdl_";
    static final String SESSION_MARK = "tds_";
    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PortalTokens() {
    }

    static String newLink() {
        return LINK_MARK + random();
    }

    static String newSession() {
        return SESSION_MARK + random();
    }

    static byte[] digest(String token) {
        return AccountKeys.digest(token);
    }

    /** The token every state-changing form of this session carries. */
    static String csrf(String sessionToken) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest("csrf:" + sessionToken));
    }

    /** Compares in constant time, so a wrong token tells nothing about the right one. */
    static boolean sameToken(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    private static String random() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

package dev.tidings.problem;

import java.util.regex.Pattern;

/**
 * A failure's message as a client or an open health check may read it: without the Java class names some
 * messages carry (TLS ones name the JDK's internal classes), since none may reach a client (CONTRACT §9).
 */
public final class FailureText {

    /** {@code sun.security.provider.certpath.SunCertPathBuilderException: } and the like. */
    private static final Pattern QUALIFIED_CLASS = Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?::\\s*)?");
    /** {@code SSLHandshakeException: } and the like. */
    private static final Pattern EXCEPTION_CLASS = Pattern.compile("\\b[A-Z][\\w$]*(?:Exception|Error)\\b(?::\\s*)?");

    private FailureText() {
    }

    /** The failure's message without class names, or {@code withoutMessage} when nothing is left of it. */
    public static String of(Throwable failure, String withoutMessage) {
        String message = failure.getMessage();
        if (message == null) {
            return withoutMessage;
        }
        String text = EXCEPTION_CLASS.matcher(QUALIFIED_CLASS.matcher(message).replaceAll("")).replaceAll("").trim();
        return text.isEmpty() ? withoutMessage : text;
    }
}

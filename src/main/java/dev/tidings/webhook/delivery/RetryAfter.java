package dev.tidings.webhook.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The {@code Retry-After} of a 429 or 503 (RFC 9110 §10.2.3): delta-seconds or an HTTP-date, as a
 * delay from now, never negative and never more than {@link #AT_MOST}.
 */
public final class RetryAfter {

    /** A receiver cannot park a delivery for longer than this (CONTRACT §6). */
    public static final Duration AT_MOST = Duration.ofHours(24);

    private RetryAfter() {
    }

    /** The delay the header asks for on this status; empty when it does not apply or cannot be read. */
    public static Optional<Duration> of(int status, String header, Instant now) {
        if ((status != 429 && status != 503) || header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        try {
            Duration delay = value.chars().allMatch(Character::isDigit)
                    ? Duration.ofSeconds(Long.parseLong(value))
                    : Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return Optional.of(delay.isNegative() ? Duration.ZERO : delay.compareTo(AT_MOST) > 0 ? AT_MOST : delay);
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException unreadable) {
            return Optional.empty();
        }
    }
}

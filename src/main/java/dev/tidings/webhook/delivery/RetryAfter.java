package dev.tidings.webhook.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code Retry-After} of a 429 or 503 (RFC 9110 §10.2.3): delta-seconds or an HTTP-date, as a
 * delay from now, never negative and never more than {@link #AT_MOST}. An HTTP-date may come in any of the three
 * formats a recipient must accept (RFC 9110 §5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime ones.
 */
public final class RetryAfter {

    /** A receiver cannot park a delivery for longer than this (CONTRACT §6). */
    public static final Duration AT_MOST = Duration.ofHours(24);
    /** {@code Sun Nov  6 08:49:37 1994}: the day of the month padded with a space. */
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US)
            .withZone(ZoneOffset.UTC);

    private RetryAfter() {
    }

    /** The delay the header asks for on this status; empty when it does not apply or cannot be read. */
    public static Optional<Duration> of(int status, String header, Instant now) {
        if ((status != 429 && status != 503) || header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        try {
            Optional<Duration> delay = value.chars().allMatch(Character::isDigit)
                    ? Optional.of(Duration.ofSeconds(Long.parseLong(value)))
                    : httpDate(value, now).map(date -> Duration.between(now, date));
            return delay.map(d -> d.isNegative() ? Duration.ZERO : d.compareTo(AT_MOST) > 0 ? AT_MOST : d);
        } catch (NumberFormatException | ArithmeticException unreadable) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> httpDate(String value, Instant now) {
        // RFC 850's two-digit year: one more than 50 years ahead is the last year in the past with those digits (RFC 9110 §5.6.7)
        int thisYear = now.atZone(ZoneOffset.UTC).getYear();
        DateTimeFormatter rfc850 = new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern("EEEE, dd-MMM-")
                .appendValueReduced(ChronoField.YEAR, 2, 2, thisYear - 49).appendPattern(" HH:mm:ss 'GMT'")
                .toFormatter(Locale.US).withZone(ZoneOffset.UTC);
        for (DateTimeFormatter format : List.of(DateTimeFormatter.RFC_1123_DATE_TIME, rfc850, ASCTIME)) {
            try {
                return Optional.of(format.parse(value, Instant::from));
            } catch (DateTimeParseException another) {
                // the next format
            }
        }
        return Optional.empty();
    }
}

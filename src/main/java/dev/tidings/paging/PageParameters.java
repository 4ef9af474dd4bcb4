package dev.tidings.paging;

import dev.tidings.event.TypeFilter;
import dev.tidings.problem.InvalidRequest;

import java.util.Arrays;
import java.util.UUID;

/** Parses the parameters shared by list endpoints and streams: {@code limit}, cursors, ids and type filters. */
public final class PageParameters {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private PageParameters() {
    }

    public static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new InvalidRequest("limit", "must be an integer from 1 to " + MAX_LIMIT);
    }

    /** A sequence cursor: any integer from 0 on. */
    public static long afterSequence(String value) {
        Long after = optionalSequence(value, "after", "must be a sequence number (a non-negative integer)");
        return after == null ? 0 : after;
    }

    /** A sequence number (any integer from 0 on) in {@code field}, or null when absent or blank. */
    public static Long optionalSequence(String value, String field, String problem) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long sequence = Long.parseLong(value.trim());
            if (sequence >= 0) {
                return sequence;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new InvalidRequest(field, problem);
    }

    /** Comma-separated event types and wildcards ({@code order.*}, {@code *}); absent means every type. */
    public static TypeFilter types(String value, String field) {
        TypeFilter filter = TypeFilter.parse(value);
        boolean valid = value == null || Arrays.stream(value.split(",")).map(String::trim)
                .filter(t -> !t.isEmpty()).allMatch(TypeFilter::isValidPattern);
        if (!valid) {
            throw new InvalidRequest(field, "must be event types or wildcards such as order.* or *, comma-separated");
        }
        return filter;
    }

    public static UUID afterId(String value) {
        return optionalId(value, "after", "must be the 'next' cursor of a previous page");
    }

    /** An id in {@code field}, or null when absent or blank. */
    public static UUID optionalId(String value, String field, String problem) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(field, problem);
        }
    }
}

package dev.tidings.webhook.delivery;

import dev.tidings.problem.InvalidRequest;
import dev.tidings.problem.Problem;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The events a recovery reaches: those whose envelope {@code timestamp} is in {@code [since, until)}. */
public record RecoveryWindow(Instant since, Instant until) {

    private static final String EXAMPLE = "an ISO 8601 time such as 2026-11-28T10:15:30.000Z";

    /** Reads the request's times (ISO 8601, any offset); {@code until} defaults to {@code now}. Bad values are a 400 naming the field. */
    public static RecoveryWindow of(String since, String until, Instant now) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Instant from = parse("since", since, errors);
        Instant to = until == null ? now : parse("until", until, errors);
        if (errors.isEmpty() && until != null && !to.isAfter(from)) {
            errors.add(new Problem.FieldError("until", "must be after since"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequest(errors);
        }
        return new RecoveryWindow(from, to);
    }

    private static Instant parse(String field, String value, List<Problem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new Problem.FieldError(field, "is required: " + EXAMPLE));
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeException e) {
            errors.add(new Problem.FieldError(field, "must be " + EXAMPLE));
            return null;
        }
    }
}

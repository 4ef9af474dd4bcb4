package dev.tidings.portal;

import dev.tidings.problem.InvalidRequest;
import dev.tidings.problem.Problem;
import dev.tidings.problem.ResourceNotFound;
import jakarta.validation.ConstraintViolation;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Turns form fields into the API's request values, and the API's refusals into form messages. */
final class PortalForms {

    private PortalForms() {
    }

    /** Event types as typed: comma- or space-separated; none is an empty list, which the API's rules refuse. */
    static List<String> eventTypes(String field) {
        return field == null ? List.of() : Arrays.stream(field.split("[,\\s]+")).filter(t -> !t.isEmpty()).toList();
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** An id in a portal URL; anything else is the same 404 as an id of another account. */
    static UUID id(String value, String what) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new ResourceNotFound(what, value);
        }
    }

    /** A browser's datetime-local value is read as UTC (the form says so); an ISO 8601 instant passes as it is. */
    static String instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(value.trim()).toInstant(ZoneOffset.UTC).toString();
        } catch (DateTimeParseException e) {
            return value.trim();
        }
    }

    static <T> void validate(Set<ConstraintViolation<T>> violations) {
        if (!violations.isEmpty()) {
            throw new InvalidRequest(violations.stream()
                    .map(v -> new Problem.FieldError(v.getPropertyPath().toString(), v.getMessage()))
                    .sorted(Comparator.comparing(Problem.FieldError::field)).toList());
        }
    }

    /** What a form shows for a refused request. */
    static List<String> messages(InvalidRequest refused) {
        Problem problem = refused.toProblem();
        return problem.errors() == null ? List.of(problem.detail())
                : problem.errors().stream().map(e -> e.field() + " " + e.message()).toList();
    }
}

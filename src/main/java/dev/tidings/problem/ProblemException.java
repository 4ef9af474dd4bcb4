package dev.tidings.problem;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.List;

/** Base of the typed errors the service raises on purpose; each one knows its status. */
public abstract class ProblemException extends RuntimeException {

    private final int status;
    private final List<Problem.FieldError> errors;

    protected ProblemException(int status, String detail) {
        this(status, detail, List.of());
    }

    protected ProblemException(int status, String detail, List<Problem.FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.errors = errors;
    }

    public Problem toProblem() {
        return Problem.of(status, getMessage(), errors);
    }

    /** The answer, with a {@code Retry-After} header where the client should come back later. */
    public Response toResponse() {
        Response response = toProblem().toResponse();
        return retryAfter() == null ? response
                : Response.fromResponse(response).header(HttpHeaders.RETRY_AFTER, retryAfter().toSeconds()).build();
    }

    /** When to try again, for the errors that pass; null for the others. */
    protected Duration retryAfter() {
        return null;
    }
}

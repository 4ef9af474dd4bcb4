package dev.tidings.problem;

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
}

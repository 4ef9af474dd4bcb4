package dev.tidings.problem;

import java.util.List;

/** 400: the request is well-formed JSON but breaks a rule; names the offending fields. */
public class InvalidRequest extends ProblemException {

    public InvalidRequest(String field, String message) {
        super(400, "The request is invalid.", List.of(new Problem.FieldError(field, message)));
    }

    public InvalidRequest(List<Problem.FieldError> errors) {
        super(400, "The request is invalid.", errors);
    }
}

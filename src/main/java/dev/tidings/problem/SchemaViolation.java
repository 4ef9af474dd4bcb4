package dev.tidings.problem;

import java.util.List;

/** 422: event data that does not conform to the registered schema of its type and version. */
public class SchemaViolation extends ProblemException {

    public SchemaViolation(String eventType, int version, List<Problem.FieldError> errors) {
        super(422, "The data does not conform to the schema of " + eventType + " version " + version + ".", errors);
    }
}

package dev.tidings.schema;

import dev.tidings.problem.ProblemException;

/** 422: no such event type, or no such version of it, is registered. */
public class UnknownEventType extends ProblemException {

    public UnknownEventType(String detail) {
        super(422, detail);
    }
}

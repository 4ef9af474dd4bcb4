package dev.tidings.problem;

/** 409: the request conflicts with the current state of the resource; nothing was written. */
public class Conflict extends ProblemException {

    public Conflict(String detail) {
        super(409, detail);
    }
}

package dev.tidings.problem;

/** 403: the key is valid but may not do this (an operator-only action, another account's id). */
public class Forbidden extends ProblemException {

    public Forbidden(String detail) {
        super(403, detail);
    }
}

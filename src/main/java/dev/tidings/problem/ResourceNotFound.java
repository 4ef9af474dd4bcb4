package dev.tidings.problem;

/** 404: the named resource does not exist. */
public class ResourceNotFound extends ProblemException {

    public ResourceNotFound(String what, Object id) {
        super(404, what + " " + id + " does not exist.");
    }
}

package dev.tidings.problem;

/** 413: a part of the request is larger than its configured limit; nothing was written. */
public class ContentTooLarge extends ProblemException {

    public ContentTooLarge(String detail) {
        super(413, detail);
    }
}

package dev.tidings.problem;

import java.time.Duration;

/** 429 (the caller's own quota is used up) or 503 (the instance is full): retry later, as Retry-After says. */
public class RetryLater extends ProblemException {

    private final Duration retryAfter;

    private RetryLater(int status, String detail, Duration retryAfter) {
        super(status, detail);
        this.retryAfter = retryAfter;
    }

    /** 429: this caller uses its whole quota. */
    public static RetryLater ofCaller(String detail, Duration retryAfter) {
        return new RetryLater(429, detail, retryAfter);
    }

    /** 503: this instance is full; another replica may take the request. */
    public static RetryLater ofInstance(String detail, Duration retryAfter) {
        return new RetryLater(503, detail, retryAfter);
    }

    @Override
    protected Duration retryAfter() {
        return retryAfter;
    }
}

package dev.tidings.webhook.subscription;

/** A webhook URL or address that the target rules refuse; the message completes "url ...". */
public class RefusedTarget extends RuntimeException {

    public RefusedTarget(String reason) {
        super(reason, null, false, false);
    }
}

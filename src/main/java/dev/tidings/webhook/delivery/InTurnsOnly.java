package dev.tidings.webhook.delivery;

import java.time.Duration;

/**
 * When the worker's claims search the subscriptions in turns only ({@link DeliveryWorker#CLAIM_FROM_NEXT}), skipping
 * the look through the oldest due deliveries: for a while after two claims in a row found no room among the oldest
 * but found deliveries elsewhere, as when a stuck receiver's backlog, at its limit, holds the oldest places.
 * Once is not enough: deliveries committed between a claim's two statements look the same to it (a burst inserted
 * at once, after the look through the oldest found nothing due), and searching in turns only for the next while
 * made every claim of the burst slower. Claims run one at a time; times are {@link System#nanoTime} values.
 */
final class InTurnsOnly {

    private final long windowNanos;
    private long until;
    private boolean noRoomLastTime;

    InTurnsOnly(Duration window, long now) {
        this.windowNanos = window.toNanos();
        this.until = now;
    }

    /** Whether a claim starting {@code now} searches in turns only. */
    synchronized boolean active(long now) {
        return now - until < 0;
    }

    /**
     * A claim that looked through the oldest due deliveries (at {@code lookedAt}) tells whether they had no room
     * at all while its search in turns found some.
     */
    synchronized void lookedAtOldest(long lookedAt, boolean noRoomButFoundElsewhere) {
        if (noRoomButFoundElsewhere && noRoomLastTime) {
            until = lookedAt + windowNanos;
            noRoomLastTime = false;
        } else {
            noRoomLastTime = noRoomButFoundElsewhere;
        }
    }
}

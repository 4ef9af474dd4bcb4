package dev.tidings.relay;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The records handed to Kafka's producer that it has not answered yet. A round given up on (Kafka did not answer in
 * time, the broker is away) leaves its records with the producer, which keeps trying them until its delivery timeout;
 * the relay starts its next round once there are none, rather than adding the same events behind them every round
 * for as long as an outage lasts.
 */
final class UnansweredRecords {

    private long count;
    private CompletableFuture<Void> none = CompletableFuture.completedFuture(null);

    /** A record is handed to the producer; the returned action tells that it was answered (it counts once). */
    Runnable sent() {
        synchronized (this) {
            if (count++ == 0) {
                none = new CompletableFuture<>();
            }
        }
        return new Runnable() {
            private boolean answered;

            @Override
            public void run() {
                CompletableFuture<Void> drained = null;
                synchronized (UnansweredRecords.this) {
                    if (!answered) {
                        answered = true;
                        drained = --count == 0 ? none : null;
                    }
                }
                if (drained != null) {
                    drained.complete(null); // outside the lock: what waits for it may run here
                }
            }
        };
    }

    /** Completes once every record handed to the producer so far has been answered. */
    synchronized CompletionStage<Void> none() {
        return none;
    }
}

package dev.tidings.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The records handed to Kafka's producer that it has not answered yet. A round given up on (Kafka did not answer in
 * time, the broker is away) leaves its records with the producer, which keeps trying them until its delivery timeout;
 * the next round waits until there are none rather than adding the same events behind them, again every round for as
 * long as an outage lasts.
 */
final class UnansweredRecords {

    private long count;
    private final List<CompletableFuture<Void>> waiting = new ArrayList<>();

    /** A record is handed to the producer; the returned action tells that it was answered (it counts once). */
    Runnable sent() {
        synchronized (this) {
            count++;
        }
        return new Runnable() {
            private boolean answered;

            @Override
            public void run() {
                List<CompletableFuture<Void>> drained;
                synchronized (UnansweredRecords.this) {
                    if (answered) {
                        return;
                    }
                    answered = true;
                    if (--count > 0 || waiting.isEmpty()) {
                        return;
                    }
                    drained = new ArrayList<>(waiting);
                    waiting.clear();
                }
                drained.forEach(waiter -> waiter.complete(null)); // outside the lock: what waits may run here
            }
        };
    }

    /**
     * Completes once every record handed to the producer so far has been answered. Cancelling it stops the wait and
     * forgets it, with whatever was to run after it: a round given up on holds no batch through an outage.
     */
    CompletableFuture<Void> none() {
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        synchronized (this) {
            if (count == 0) {
                return CompletableFuture.completedFuture(null);
            }
            waiting.add(waiter);
        }
        waiter.whenComplete((ignored, failure) -> {
            if (waiter.isCancelled()) {
                synchronized (this) {
                    waiting.remove(waiter);
                }
            }
        });
        return waiter;
    }
}

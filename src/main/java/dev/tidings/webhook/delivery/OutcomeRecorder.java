package dev.tidings.webhook.delivery;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.mutiny.subscription.UniEmitter;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records the worker's attempt outcomes with a bounded number of the pool's connections. Successes, the
 * common outcome, are written together: whatever has queued while one batch was being written goes into
 * the next, so a busy worker writes few large transactions and an idle one writes each success at once,
 * without waiting for company. Failures, rarer and each with a path of its own (retries, dead letters,
 * deactivation), are recorded one by one, a few at a time.
 */
final class OutcomeRecorder {

    private static final Logger LOG = Logger.getLogger(OutcomeRecorder.class);
    /** Successes written in one transaction at most: bounds its statements' arrays and the locks it holds. */
    static final int BATCH = 256;

    private final DeliveryLedger ledger;
    private final UnicastProcessor<Outcome> failures = UnicastProcessor.create();
    private final Queue<Outcome> successes = new ConcurrentLinkedQueue<>();
    /** Whether a batch of successes is being written; only its writer takes successes off the queue. */
    private final AtomicBoolean writing = new AtomicBoolean();

    /** An attempt's result waiting to be recorded; {@code recorded} completes once it is. */
    private record Outcome(ClaimedDelivery delivery, AttemptResult result, UniEmitter<? super Void> recorded) {

        void settle(Throwable failure) {
            if (failure == null) {
                recorded.complete(null);
            } else {
                recorded.fail(failure);
            }
        }
    }

    /** {@code failureConnections} failures are recorded at once, beside one batch of successes. */
    OutcomeRecorder(DeliveryLedger ledger, int failureConnections) {
        this.ledger = ledger;
        failures.onItem().transformToUni(this::recordAlone)
                .merge(failureConnections)
                .subscribe().with(ignored -> { });
    }

    /** Completes once the outcome is recorded (or found not to be this attempt's to record any more). */
    Uni<Void> record(ClaimedDelivery delivery, AttemptResult result) {
        return Uni.createFrom().emitter(recorded -> {
            Outcome outcome = new Outcome(delivery, result, recorded);
            if (result.succeeded()) {
                successes.add(outcome);
                writeNextBatch();
            } else {
                failures.onNext(outcome);
            }
        });
    }

    /**
     * Starts writing the queued successes unless a batch is being written already; that one starts the
     * next when it ends. Whoever queues a success calls this after queuing it, so none is left behind.
     */
    private void writeNextBatch() {
        if (successes.isEmpty() || !writing.compareAndSet(false, true)) {
            return;
        }
        List<Outcome> batch = new ArrayList<>();
        for (Outcome next; batch.size() < BATCH && (next = successes.poll()) != null; ) {
            batch.add(next);
        }
        if (batch.isEmpty()) { // another writer took them between the check and the flag
            writing.set(false);
            writeNextBatch();
            return;
        }
        ledger.recordSuccesses(batch.stream().map(outcome -> new DeliveryLedger.Success(outcome.delivery(), outcome.result())).toList())
                .invoke(() -> batch.forEach(outcome -> outcome.settle(null)))
                .onFailure().recoverWithUni(failure -> recordOneByOne(batch, failure))
                .subscribe().with(ignored -> batchWritten(), failure -> batchWritten());
    }

    private void batchWritten() {
        writing.set(false);
        writeNextBatch();
    }

    /** The batch was rolled back as a whole (a deadlock, say): each success gets a transaction of its own instead. */
    private Uni<Void> recordOneByOne(List<Outcome> batch, Throwable failure) {
        LOG.warnf("Recording %d successes together failed, recording them one by one: %s", batch.size(), failure);
        return Multi.createFrom().iterable(batch)
                .onItem().transformToUniAndConcatenate(this::recordAlone)
                .collect().last()
                .replaceWithVoid();
    }

    /** Records one outcome in a transaction of its own; never fails, the outcome's emitter tells. */
    private Uni<Void> recordAlone(Outcome outcome) {
        return ledger.record(outcome.delivery(), outcome.result())
                .onItemOrFailure().invoke((ignored, failure) -> outcome.settle(failure))
                .onFailure().recoverWithNull();
    }
}

package dev.tidings.outbox;

import io.smallrye.mutiny.Uni;

/**
 * A write that runs to its end once started. A client that goes away cancels its request's Uni; cancelled
 * inside a Hibernate Reactive transaction, the session would be closed with the transaction still open
 * (HR000090, and an exception Mutiny can only drop). Subscribed to on its own, the write commits or rolls
 * back as if the client had waited; only its answer goes nowhere.
 */
public final class Uninterrupted {

    private Uninterrupted() {
    }

    public static <T> Uni<T> of(Uni<T> write) {
        return Uni.createFrom().emitter(answer -> write.subscribe().with(answer::complete, answer::fail));
    }
}

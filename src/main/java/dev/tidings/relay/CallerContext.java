package dev.tidings.relay;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** Brings a Uni's item back to the Vert.x context of the code that asked for it (the relay: its transaction's event loop). */
final class CallerContext {

    private CallerContext() {
    }

    /**
     * {@code uni}, its item delivered on the Vert.x context current at this call (none: where it comes), not on
     * the thread that completed it (Kafka's I/O thread, an API request's event loop).
     */
    static <T> Uni<T> returnTo(Uni<T> uni) {
        Context caller = Vertx.currentContext();
        return caller == null ? uni : uni.emitOn(command -> caller.runOnContext(ignored -> command.run()));
    }
}

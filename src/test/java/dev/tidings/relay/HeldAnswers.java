package dev.tidings.relay;

import dev.tidings.relay.KafkaPublisher.Publication;
import dev.tidings.relay.KafkaPublisher.Refused;
import dev.tidings.support.Database;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusMock;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The real publisher (the records reach the real broker), whose answers reach the relay only once {@link #release()} is
 * called; told to, it fails the answers of the first batch it publishes instead, as a Kafka that did not answer.
 */
final class HeldAnswers extends KafkaPublisher {
    private final KafkaPublisher real;
    private final AtomicBoolean failFirst;
    private final CompletableFuture<Void> release = new CompletableFuture<>();

    private HeldAnswers(KafkaPublisher real, boolean failFirst) {
        super(null, ReadyTopics.all(), "", Duration.ofSeconds(10), null); // every batch goes to the real publisher
        this.real = real;
        this.failFirst = new AtomicBoolean(failFirst);
    }

    /** Once nothing is pending: the relay's publisher from now on (for the rest of the test). */
    static HeldAnswers install(KafkaPublisher publisher, boolean failFirst) {
        Database.awaitNothingPending(Duration.ofSeconds(30));
        HeldAnswers held = new HeldAnswers(ClientProxy.unwrap(publisher), failFirst);
        QuarkusMock.installMockForType(held, KafkaPublisher.class);
        return held;
    }

    void release() {
        release.complete(null);
    }

    @Override
    Publication publish(List<PendingEvent> events) {
        return held(real.publish(events));
    }

    @Override
    Publication publish(List<PendingEvent> events, Publication previous) {
        return held(real.publish(events, previous));
    }

    private Publication held(Publication publication) {
        Uni<List<Refused>> answers = failFirst.getAndSet(false)
                ? publication.answers().chain(() -> Uni.createFrom().failure(new IllegalStateException("no answer from Kafka (test)")))
                : publication.answers().call(() -> Uni.createFrom().completionStage(release));
        return new Publication(publication.handedOff(), CallerContext.returnTo(answers), publication.batch());
    }
}

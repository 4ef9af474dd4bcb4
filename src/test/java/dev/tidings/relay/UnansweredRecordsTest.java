package dev.tidings.relay;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class UnansweredRecordsTest {

    private final UnansweredRecords unanswered = new UnansweredRecords();

    @Test
    void theWaitEndsWhenEveryRecordIsAnsweredEachAnswerCountingOnce() {
        assertThat(unanswered.none()).as("nothing sent yet").isDone();
        Runnable first = unanswered.sent();
        Runnable second = unanswered.sent();
        CompletableFuture<Void> none = unanswered.none();

        first.run();
        first.run();
        assertThat(none).isNotDone();
        second.run();
        assertThat(none).isCompleted();
        assertThat(unanswered.none()).isDone();
    }

    @Test
    void aWaitCancelledIsNotCompletedAndTheOthersStillAre() {
        Runnable record = unanswered.sent();
        CompletableFuture<Void> givenUp = unanswered.none();
        CompletableFuture<Void> waiting = unanswered.none();

        givenUp.cancel(false);
        record.run();
        assertThat(givenUp).isCancelled();
        assertThat(waiting).isCompleted();
    }
}

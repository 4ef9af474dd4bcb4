package dev.tidings.relay;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class UnansweredRecordsTest {

    private final UnansweredRecords unanswered = new UnansweredRecords();

    @Test
    void theWaitEndsWhenEveryRecordIsAnsweredEachAnswerCountingOnce() {
        assertThat(unanswered.none().toCompletableFuture()).as("nothing sent yet").isDone();
        Runnable first = unanswered.sent();
        Runnable second = unanswered.sent();
        CompletableFuture<Void> none = unanswered.none().toCompletableFuture();

        first.run();
        first.run();
        assertThat(none).isNotDone();
        second.run();
        assertThat(none).isCompleted();

        Runnable third = unanswered.sent();
        assertThat(unanswered.none().toCompletableFuture()).as("a record sent since").isNotDone();
        third.run();
        assertThat(unanswered.none().toCompletableFuture()).isCompleted();
    }
}

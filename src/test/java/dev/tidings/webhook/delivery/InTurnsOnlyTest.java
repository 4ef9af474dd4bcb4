package dev.tidings.webhook.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** When claims search in turns only, and for how long (times in nanoseconds, as {@link System#nanoTime} gives them). */
class InTurnsOnlyTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    /** Any start: nanoTime values may be negative and wrap. */
    private static final long START = Long.MAX_VALUE - SECOND / 2;

    private final InTurnsOnly inTurnsOnly = new InTurnsOnly(Duration.ofSeconds(1), START);

    @Test
    void claimsLookAtTheOldestFirstUntilTold() {
        assertThat(inTurnsOnly.active(START)).isFalse();
        assertThat(inTurnsOnly.active(START + 10 * SECOND)).isFalse();
    }

    @Test
    void oneClaimThatFoundNoRoomAmongTheOldestIsNotEnough() {
        // as when a burst of deliveries commits between a claim's look at the oldest and its search in turns
        inTurnsOnly.lookedAtOldest(START + 1, true);

        assertThat(inTurnsOnly.active(START + 2)).isFalse();
    }

    @Test
    void twoInARowMakeTheClaimsOfTheNextWindowSearchInTurnsOnly() {
        inTurnsOnly.lookedAtOldest(START + 1, true);
        inTurnsOnly.lookedAtOldest(START + 2, true);

        assertThat(inTurnsOnly.active(START + 3)).isTrue();
        assertThat(inTurnsOnly.active(START + 2 + SECOND - 1)).isTrue();
        assertThat(inTurnsOnly.active(START + 2 + SECOND)).isFalse();
    }

    @Test
    void aClaimThatFoundRoomAmongTheOldestInBetweenStartsTheCountAgain() {
        inTurnsOnly.lookedAtOldest(START + 1, true);
        inTurnsOnly.lookedAtOldest(START + 2, false);
        inTurnsOnly.lookedAtOldest(START + 3, true);

        assertThat(inTurnsOnly.active(START + 4)).isFalse();
    }

    @Test
    void afterTheWindowItTakesTwoInARowAgain() {
        inTurnsOnly.lookedAtOldest(START + 1, true);
        inTurnsOnly.lookedAtOldest(START + 2, true);
        long after = START + 2 + SECOND;

        inTurnsOnly.lookedAtOldest(after, true);
        assertThat(inTurnsOnly.active(after + 1)).isFalse();
        inTurnsOnly.lookedAtOldest(after + 2, true);
        assertThat(inTurnsOnly.active(after + 3)).isTrue();
    }
}

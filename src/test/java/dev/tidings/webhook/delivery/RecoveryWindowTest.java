package dev.tidings.webhook.delivery;

import dev.tidings.problem.InvalidRequest;
import dev.tidings.problem.Problem;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The times of a recovery request: ISO 8601, until after since, until defaulting to now. */
class RecoveryWindowTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:15:30.123Z");

    @Test
    void untilDefaultsToNow() {
        assertThat(RecoveryWindow.of("2026-11-28T09:00:00.000Z", null, NOW))
                .isEqualTo(new RecoveryWindow(Instant.parse("2026-11-28T09:00:00Z"), NOW));
    }

    @Test
    void timesWithAnOffsetOrWithoutFractionsAreRead() {
        assertThat(RecoveryWindow.of("2026-11-28T10:00:00+01:00", "2026-11-28T09:30:00Z", NOW))
                .isEqualTo(new RecoveryWindow(Instant.parse("2026-11-28T09:00:00Z"), Instant.parse("2026-11-28T09:30:00Z")));
    }

    @Test
    void aMissingOrUnreadableTimeNamesItsField() {
        assertThat(fields(null, null)).containsExactly("since");
        assertThat(fields(" ", null)).containsExactly("since");
        assertThat(fields("2026-11-28", null)).containsExactly("since");
        assertThat(fields("2026-11-28T09:00:00Z", "soon")).containsExactly("until");
        assertThat(fields("never", "soon")).containsExactly("since", "until");
    }

    @Test
    void untilMustComeAfterSince() {
        assertThat(fields("2026-11-28T09:00:00Z", "2026-11-28T09:00:00Z")).containsExactly("until");
        assertThat(fields("2026-11-28T09:00:00Z", "2026-11-28T08:00:00Z")).containsExactly("until");
    }

    private static String[] fields(String since, String until) {
        InvalidRequest refusal = (InvalidRequest) catchThrowable(() -> RecoveryWindow.of(since, until, NOW));
        assertThat(refusal).isNotNull();
        return refusal.toProblem().errors().stream().map(Problem.FieldError::field).toArray(String[]::new);
    }
}

package dev.tidings.eventlog;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What POST /events accepts as a subject, without Quarkus. */
class SubjectRuleTest {

    @Test
    void resourceSlashIdWithinTheColumnIsAccepted() {
        assertThat(EventPublishing.isValidSubject("invoice/42")).isTrue();
        assertThat(EventPublishing.isValidSubject("invoice/é-ü_42:x")).isTrue();
        assertThat(EventPublishing.isValidSubject("invoice/\uD83D\uDE00")).isTrue();
        assertThat(EventPublishing.isValidSubject("i/" + "x".repeat(253))).isTrue();
    }

    @Test
    void controlCharactersWhitespaceAndLoneSurrogatesAreRefused() {
        for (String subject : new String[]{"invoice/4\u00072", "invoice/4 2", "invoice/4\t2", "invoice/4\u00a02", "invoice/4\u20282",
                "invoice/4\u200b2", "invoice/4\uD83D", "invoice/\u0000", "invoice/4\n", "i/" + "x".repeat(254), "invoice", "/42", null}) {
            assertThat(EventPublishing.isValidSubject(subject)).as(String.valueOf(subject)).isFalse();
        }
    }
}

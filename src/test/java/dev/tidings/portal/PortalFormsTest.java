package dev.tidings.portal;

import dev.tidings.problem.ResourceNotFound;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Form fields into the API's request values, without Quarkus. */
class PortalFormsTest {

    @Test
    void eventTypesAreSplitOnCommasAndSpaces() {
        assertThat(PortalForms.eventTypes(" order.created, order.*  webhook.test,,")).containsExactly("order.created", "order.*", "webhook.test");
        assertThat(PortalForms.eventTypes("   ")).isEmpty();
        assertThat(PortalForms.eventTypes(null)).isEmpty();
    }

    @Test
    void aBrowsersLocalTimeIsReadAsUtcAndAnInstantPassesAsItIs() {
        assertThat(PortalForms.instant("2026-11-28T10:15")).isEqualTo("2026-11-28T10:15:00Z");
        assertThat(PortalForms.instant("2026-11-28T10:15:30")).isEqualTo("2026-11-28T10:15:30Z");
        assertThat(PortalForms.instant("2026-11-28T10:15:30.000+01:00")).isEqualTo("2026-11-28T10:15:30.000+01:00");
        assertThat(PortalForms.instant(" ")).isNull();
    }

    @Test
    void anIdThatIsNoIdIsNotFound() {
        UUID id = UUID.randomUUID();
        assertThat(PortalForms.id(id.toString(), "Webhook")).isEqualTo(id);
        assertThatThrownBy(() -> PortalForms.id("../accounts", "Webhook")).isInstanceOf(ResourceNotFound.class);
    }

    @Test
    void aCsrfTokenBelongsToOneSessionAndComparesExactly() {
        String session = PortalTokens.newSession();
        String csrf = PortalTokens.csrf(session);
        assertThat(csrf).isEqualTo(PortalTokens.csrf(session)).isNotEqualTo(PortalTokens.csrf(PortalTokens.newSession()));
        assertThat(PortalTokens.sameToken(csrf, csrf)).isTrue();
        assertThat(PortalTokens.sameToken(csrf, csrf + "x")).isFalse();
        assertThat(PortalTokens.sameToken(csrf, null)).isFalse();
        assertThat(session).startsWith("tds_").hasSize(4 + 43);
        assertThat(PortalTokens.newLink()).startsWith("tdl_").hasSize(4 + 43);
    }
}

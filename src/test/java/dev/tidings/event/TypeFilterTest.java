package dev.tidings.event;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TypeFilterTest {

    @Test
    void noFilterMatchesEverything() {
        assertThat(TypeFilter.parse(null).matches("order.created")).isTrue();
        assertThat(TypeFilter.parse(" ").matchesAll()).isTrue();
        assertThat(TypeFilter.parse("order.*,*").matchesAll()).isTrue();
    }

    @Test
    void exactTypesAndPrefixWildcardsMatch() {
        TypeFilter filter = TypeFilter.parse("order.*, user.updated");
        assertThat(filter.matches("order.created")).isTrue();
        assertThat(filter.matches("order.payment_received")).isTrue();
        assertThat(filter.matches("user.updated")).isTrue();
        assertThat(filter.matches("user.created")).isFalse();
        assertThat(filter.matches("orders.created")).isFalse();
    }

    @Test
    void likePatternsEscapeSqlWildcards() {
        assertThat(TypeFilter.parse("order_v2.*").likePatterns()).containsExactly("order\\_v2.%");
    }

    @Test
    void patternsAreTypeNamesOrWildcards() {
        assertThat(TypeFilter.isValidPattern("order.created")).isTrue();
        assertThat(TypeFilter.isValidPattern("order.*")).isTrue();
        assertThat(TypeFilter.isValidPattern("*")).isTrue();
        assertThat(TypeFilter.isValidPattern("Order.created")).isFalse();
        assertThat(TypeFilter.isValidPattern("order")).isFalse();
        assertThat(TypeFilter.isValidPattern("order.*.x")).isFalse();
    }
}

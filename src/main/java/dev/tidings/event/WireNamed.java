package dev.tidings.event;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** An enum whose values are stored and answered in lower case ({@code PAYMENT_RECEIVED} is {@code payment_received}). */
public interface WireNamed {

    String name();

    default String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E> & WireNamed> Optional<E> parse(Class<E> type, String wireName) {
        return Arrays.stream(type.getEnumConstants()).filter(value -> value.wireName().equals(wireName)).findFirst();
    }
}

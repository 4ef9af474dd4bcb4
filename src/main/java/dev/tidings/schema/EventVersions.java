package dev.tidings.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tidings.event.BuiltInEventType;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The explicit conversions between versions of the built-in event types, which let a subscriber pinned
 * to an older version receive that version's representation of a newer event.
 */
@ApplicationScoped
public class EventVersions {

    /** One step down per entry: the key's version converts to the one before it. */
    private static final Map<TypeVersion, UnaryOperator<JsonNode>> DOWNGRADES = Map.of(
            new TypeVersion(BuiltInEventType.ORDER_CREATED.wireName(), 2), EventVersions::orderCreatedV2ToV1);

    /**
     * The data of {@code eventType} version {@code from} as version {@code to}, stepping down one
     * version at a time; empty when no conversion exists (the event is then delivered as published).
     */
    public Optional<JsonNode> convert(String eventType, int from, int to, JsonNode data) {
        JsonNode current = data;
        for (int version = from; version > to; version--) {
            UnaryOperator<JsonNode> step = DOWNGRADES.get(new TypeVersion(eventType, version));
            if (step == null) {
                return Optional.empty();
            }
            current = step.apply(current);
        }
        return to <= from ? Optional.of(current) : Optional.empty();
    }

    /** v2 replaced {@code total} with {@code totals {itemCount, quantity, amount}}: v1 keeps only the amount. */
    static JsonNode orderCreatedV2ToV1(JsonNode v2) {
        ObjectNode v1 = v2.deepCopy();
        JsonNode totals = v1.remove("totals");
        v1.set("total", totals.get("amount"));
        return v1;
    }
}

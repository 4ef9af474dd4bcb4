package dev.tidings.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The event types the service itself emits, with their schemas from {@code schemas/<type>.v<n>.json}.
 * They are read-only through the API and available before the database copy is written.
 */
public final class BuiltInEventTypes {

    /** Type, description, versions (oldest first). */
    public record BuiltIn(String name, String description, List<Integer> versions) {
    }

    public static final List<BuiltIn> ALL = List.of(
            new BuiltIn("order.created", "An order was placed.", List.of(1, 2)),
            new BuiltIn("order.updated", "The address or the lines of an order changed.", List.of(1)),
            new BuiltIn("order.payment_received", "The order total was paid.", List.of(1)),
            new BuiltIn("order.shipped", "A paid order was handed to a carrier.", List.of(1)),
            new BuiltIn("order.delivered", "A shipped order arrived.", List.of(1)),
            new BuiltIn("order.cancelled", "An order was cancelled before shipping.", List.of(1)),
            new BuiltIn("webhook.disabled", "A webhook subscription was disabled.", List.of(1)),
            new BuiltIn("webhook.test", "A test ping sent to one subscription.", List.of(1)));

    /** Prefixes reserved for built-in types: nothing under them can be registered or changed through the API. */
    public static final List<String> RESERVED_PREFIXES = List.of("order.", "webhook.");

    private static final Map<String, String> SCHEMAS = load();

    private BuiltInEventTypes() {
    }

    public static boolean isReserved(String eventType) {
        return RESERVED_PREFIXES.stream().anyMatch(eventType::startsWith);
    }

    /** The schema text of a built-in type's version, or null. */
    public static String schema(String eventType, int version) {
        return SCHEMAS.get(eventType + "@" + version);
    }

    private static Map<String, String> load() {
        Map<String, String> schemas = new LinkedHashMap<>();
        for (BuiltIn type : ALL) {
            for (int version : type.versions()) {
                String path = "schemas/" + type.name() + ".v" + version + ".json";
                try (InputStream in = BuiltInEventTypes.class.getClassLoader().getResourceAsStream(path)) {
                    if (in == null) {
                        throw new IllegalStateException("Missing built-in schema " + path);
                    }
                    schemas.put(type.name() + "@" + version, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return Map.copyOf(schemas);
    }
}

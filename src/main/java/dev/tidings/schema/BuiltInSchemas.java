package dev.tidings.schema;

import dev.tidings.event.BuiltInEventType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The schema texts of the built-in types, read once from {@code schemas/<type>.v<n>.json} on the classpath. */
final class BuiltInSchemas {

    private static final Map<TypeVersion, String> SCHEMAS = load();

    private BuiltInSchemas() {
    }

    /** The schema of a built-in type's version; empty for any other type or version. */
    static Optional<String> of(String eventType, int version) {
        return Optional.ofNullable(SCHEMAS.get(new TypeVersion(eventType, version)));
    }

    private static Map<TypeVersion, String> load() {
        Map<TypeVersion, String> schemas = new HashMap<>();
        for (BuiltInEventType type : BuiltInEventType.values()) {
            for (int version : type.versions()) {
                String path = "schemas/" + type.wireName() + ".v" + version + ".json";
                try (InputStream in = BuiltInSchemas.class.getClassLoader().getResourceAsStream(path)) {
                    if (in == null) {
                        throw new IllegalStateException("Missing built-in schema " + path);
                    }
                    schemas.put(new TypeVersion(type.wireName(), version), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return Map.copyOf(schemas);
    }
}

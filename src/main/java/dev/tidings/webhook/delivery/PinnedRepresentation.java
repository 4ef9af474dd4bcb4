package dev.tidings.webhook.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tidings.schema.EventVersions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;

/**
 * The body a subscription receives: the envelope as published, or, for a subscription pinned to an
 * older version of the type, that version's representation with the same eventId.
 */
@ApplicationScoped
public class PinnedRepresentation {

    @Inject
    ObjectMapper json;
    @Inject
    EventVersions versions;

    /** What is sent: the body and the version it carries. */
    public record Body(String json, int version) {
    }

    public Body body(String envelope, String eventType, int published, Map<String, Integer> pinned) {
        Integer wanted = pinned.get(eventType);
        if (wanted == null || wanted >= published) {
            return new Body(envelope, published);
        }
        try {
            ObjectNode event = (ObjectNode) json.readTree(envelope);
            return versions.convert(eventType, published, wanted, event.get("data")).map(data -> {
                ObjectNode converted = event.deepCopy();
                converted.put("version", wanted);
                converted.set("data", data);
                return new Body(write(converted), wanted);
            }).orElse(new Body(envelope, published));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored envelope is not JSON", e);
        }
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

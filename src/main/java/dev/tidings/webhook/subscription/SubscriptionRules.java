package dev.tidings.webhook.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tidings.event.EventType;
import dev.tidings.event.TypeFilter;
import dev.tidings.problem.InvalidRequest;
import dev.tidings.problem.Problem;
import dev.tidings.schema.EventTypeCatalogue;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a subscription may say (CONTRACT §6): its URL, its event-type filters and its version pins. */
@ApplicationScoped
public class SubscriptionRules {

    @Inject
    TargetResolver targets;
    @Inject
    EventTypeCatalogue catalogue;

    /** The URL rules, with its host resolved: 400 naming {@code url} when refused. */
    Uni<Void> checkUrl(String url) {
        return targets.resolve(url).replaceWithVoid()
                .onFailure(RefusedTarget.class).transform(refused -> new InvalidRequest("url", refused.getMessage()));
    }

    /** Event types and wildcards, trimmed and without repeats: 400 naming each bad item. */
    List<String> eventTypes(List<String> patterns) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            if (!TypeFilter.isValidPattern(patterns.get(i).trim())) {
                errors.add(new Problem.FieldError("eventTypes[" + i + "]",
                        "must be an event type such as order.created, a wildcard such as order.*, or *"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequest(errors);
        }
        return patterns.stream().map(String::trim).distinct().toList();
    }

    /** A changed rate limit: a whole number of at least 1, or JSON null for none. */
    Integer rateLimit(JsonNode requested) {
        if (requested.isNull()) {
            return null;
        }
        if (!requested.canConvertToInt() || !requested.isIntegralNumber() || requested.intValue() < 1) {
            throw new InvalidRequest("rateLimit", "must be at least 1 request per second, or null for no limit");
        }
        return requested.intValue();
    }

    /** Pins name registered versions of exact types. */
    Uni<Map<String, Integer>> versions(Map<String, Integer> requested) {
        if (requested == null || requested.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return catalogue.versions(requested.keySet()).map(known -> {
            List<Problem.FieldError> errors = new ArrayList<>();
            requested.forEach((type, version) -> {
                List<Integer> versions = known.getOrDefault(type, List.of());
                if (!EventType.isValid(type) || version == null || !versions.contains(version)) {
                    errors.add(new Problem.FieldError("versions." + type,
                            "must be a registered version of a registered event type (" + type + ": " + versions + ")"));
                }
            });
            if (!errors.isEmpty()) {
                throw new InvalidRequest(errors);
            }
            return new LinkedHashMap<>(requested);
        });
    }
}

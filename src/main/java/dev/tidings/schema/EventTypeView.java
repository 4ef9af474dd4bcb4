package dev.tidings.schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** An event type in the catalogue. */
@RegisterForReflection
public record EventTypeView(String eventType, String description, List<Integer> versions, int latestVersion,
                            List<Integer> deprecatedVersions) {
}

package dev.tidings.eventlog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.tidings.event.EventEnvelope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.UUID;

/** An event in the log: its envelope and the sequence the log gave it. */
@RegisterForReflection
public record LogEntry(long sequence,
                       @JsonRawValue @Schema(implementation = EventEnvelope.class) String event,
                       @JsonIgnore @Schema(hidden = true) String eventType,
                       @JsonIgnore @Schema(hidden = true) UUID account) {
}

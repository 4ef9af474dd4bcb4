package dev.tidings.order;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** The lines of an order as stored: a JSON object, since the reactive driver maps jsonb objects, not arrays. */
@RegisterForReflection
public record OrderLines(List<OrderItem> items) {
}

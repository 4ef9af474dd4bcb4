package dev.tidings.order;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** The lines of an order as stored: a JSON object holding them, the shape of every row already written. */
@RegisterForReflection
public record OrderLines(List<OrderItem> items) {
}

package dev.tidings.order;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.math.BigDecimal;
import java.util.List;

/** The request bodies of the orders API. */
public final class OrderRequests {

    private OrderRequests() {
    }

    @RegisterForReflection
    public record PlaceOrder(
            @NotBlank @Size(max = 200) String customerId,
            @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as EUR") String currency,
            @NotNull @Size(min = 1, max = 100) List<@NotNull @Valid OrderItem> items) {
    }

    @RegisterForReflection
    public record UpdateOrder(@Valid ShippingAddress shippingAddress,
                              @Size(min = 1, max = 100) List<@NotNull @Valid OrderItem> items) {
    }

    @RegisterForReflection
    public record Payment(
            @NotNull @DecimalMin(value = "0.01") @Digits(integer = 17, fraction = 2, message = "must be a number with at most 2 decimals") BigDecimal amount,
            @NotBlank @Size(max = 200) String reference) {
    }

    @RegisterForReflection
    public record Shipment(@NotBlank @Size(max = 100) String carrier, @NotBlank @Size(max = 200) String trackingNumber) {
    }

    @RegisterForReflection
    public record Cancellation(@NotBlank @Size(max = 1000) String reason) {
    }
}

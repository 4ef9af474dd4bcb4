package dev.tidings.order;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import java.math.BigDecimal;

/** A line of an order, as requested and as stored. */
@RegisterForReflection
public record OrderItem(
        @NotBlank @Size(max = 100) String sku,
        @NotNull @Positive @Max(1_000_000) Integer quantity,
        @NotNull @DecimalMin("0.00") @Digits(integer = 13, fraction = 2, message = "must be a number with at most 2 decimals") BigDecimal unitPrice) {

    BigDecimal lineTotal() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}

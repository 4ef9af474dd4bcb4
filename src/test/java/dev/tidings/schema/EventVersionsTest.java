package dev.tidings.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventVersionsTest {

    private final EventVersions versions = new EventVersions();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void orderCreatedV2BecomesV1ByKeepingOnlyTheAmount() throws Exception {
        JsonNode v2 = json.readTree("""
                {"orderId":"o1","customerId":"c","currency":"EUR","items":[{"sku":"A","quantity":2,"unitPrice":1.50}],
                 "totals":{"itemCount":1,"quantity":2,"amount":3.00}}""");
        JsonNode v1 = versions.convert("order.created", 2, 1, v2).orElseThrow();
        assertThat(v1.fieldNames()).toIterable().containsExactly("orderId", "customerId", "currency", "items", "total");
        assertThat(v1.get("total").decimalValue()).isEqualByComparingTo("3.00");
        assertThat(v1.get("items")).isEqualTo(v2.get("items"));
        assertThat(v2.has("totals")).as("the original is left alone").isTrue();
    }

    @Test
    void withoutAConversionNothingIsInvented() throws Exception {
        assertThat(versions.convert("order.shipped", 2, 1, json.readTree("{}"))).isEmpty();
        assertThat(versions.convert("order.created", 2, 2, json.readTree("{\"a\":1}"))).isPresent();
    }
}

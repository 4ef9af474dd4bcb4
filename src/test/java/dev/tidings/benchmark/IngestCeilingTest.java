package dev.tidings.benchmark;

import dev.tidings.support.Api;
import dev.tidings.support.Orders;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The benchmark's ceiling route exists only where events.benchmark.ingest-ceiling switches it on (bench/run). */
@QuarkusTest
class IngestCeilingTest {

    @Test
    void theCeilingRouteIsNotServedUnlessSwitchedOn() {
        Api.given().body(Orders.newOrder("ceiling")).post("/benchmark/ingest-ceiling").then().statusCode(404);
    }
}

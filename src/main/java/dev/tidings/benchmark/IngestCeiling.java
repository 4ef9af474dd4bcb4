package dev.tidings.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tidings.config.EventsConfig;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.io.IOException;
import java.util.UUID;

/**
 * The framework's own ceiling for the ingest benchmark, off unless {@code events.benchmark.ingest-ceiling} is
 * set: {@code POST /benchmark/ingest-ceiling} reads an order body and runs the benchmark baseline's two INSERTs
 * (an order row and an outbox-shaped row, into the tables {@code bench_orders} and {@code bench_outbox} that
 * the benchmark creates) in one transaction through the reactive PostgreSQL client. It shares this build's
 * HTTP server, authentication and connection pool with the real {@code POST /orders}, so the ratio between
 * the two is what the order path costs above the framework.
 */
@ApplicationScoped
public class IngestCeiling {

    private static final String INSERT_ORDER = """
            insert into bench_orders (id, customer_id, currency, items, total, status, created_at, updated_at)
            values ($1, $2, $3, $4::jsonb, 25.00, 'CREATED', now(), now())""";
    private static final String INSERT_EVENT = """
            insert into bench_outbox (event_id, event_type, version, source, subject, occurred_at, envelope)
            values (gen_random_uuid(), 'order.created', 2, 'bench', $1, now(), $2)""";

    @Inject
    EventsConfig config;
    @Inject
    Pool pool;
    @Inject
    ObjectMapper json;

    void register(@Observes Router router) {
        if (config.benchmark().ingestCeiling()) {
            router.post("/benchmark/ingest-ceiling").handler(BodyHandler.create())
                    .handler(context -> insert(context, context.body().asString()));
        }
    }

    private void insert(RoutingContext context, String body) {
        JsonNode order;
        try {
            order = json.readTree(body);
        } catch (IOException e) {
            context.response().setStatusCode(400).end();
            return;
        }
        UUID id = UUID.randomUUID();
        String items = order.path("items").toString();
        pool.withTransaction(c -> c.preparedQuery(INSERT_ORDER)
                        .execute(Tuple.of(id, order.path("customerId").asText(), order.path("currency").asText(), items))
                        .chain(() -> c.preparedQuery(INSERT_EVENT).execute(Tuple.of("order/" + id, body))))
                .subscribe().with(done -> {
                    HttpServerResponse response = context.response().setStatusCode(201);
                    response.putHeader("Content-Type", "application/json").end("{\"id\":\"" + id + "\"}");
                }, context::fail);
    }
}

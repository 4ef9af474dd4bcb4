package dev.tidings.webhook.delivery;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.tidings.event.Timestamps;
import dev.tidings.webhook.AttemptStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A subscription's delivery log: one entry per attempt made, newest first. */
@ApplicationScoped
public class DeliveryLog {

    /**
     * Newest first by when the attempt was made (CONTRACT §6), then by id; {@code $3} is the previous
     * page's last attempt, so pages follow each other in that same order.
     */
    private static final String PAGE = """
            select * from webhook_attempt
            where webhook_id = $1 and ($2::varchar is null or status = $2)
              and ($3::uuid is null or (attempted_at, id) < (select attempted_at, id from webhook_attempt where id = $3))
            order by attempted_at desc, id desc limit $4""";

    @Inject
    Pool pool;

    @RegisterForReflection
    @JsonPropertyOrder({"deliveryId", "eventId", "eventType", "attempt", "status", "responseStatus", "durationMs", "error",
            "attemptedAt", "nextAttemptAt"})
    public record AttemptView(UUID id, UUID deliveryId, UUID eventId, String eventType, int attempt, String status,
                              Integer responseStatus, int durationMs, String error, String attemptedAt, String nextAttemptAt) {

        @JsonIgnore
        public UUID id() {
            return id;
        }

        static AttemptView of(Row row) {
            OffsetDateTime next = row.getOffsetDateTime("next_attempt_at");
            return new AttemptView(row.getUUID("id"), row.getUUID("delivery_id"), row.getUUID("event_id"),
                    row.getString("event_type"), row.getInteger("attempt"), row.getString("status"),
                    row.getInteger("response_status"), row.getInteger("duration_ms"), row.getString("error"),
                    Timestamps.format(row.getOffsetDateTime("attempted_at").toInstant()),
                    next == null ? null : Timestamps.format(next.toInstant()));
        }
    }

    /** Attempts after {@code before} (a previous page's last attempt) in the log's order, optionally of one status. */
    public Uni<List<AttemptView>> attempts(UUID webhookId, AttemptStatus status, UUID before, int limit) {
        return pool.preparedQuery(PAGE)
                .execute(Tuple.of(webhookId, status == null ? null : status.wireName(), before, limit))
                .map(rows -> {
                    List<AttemptView> attempts = new ArrayList<>(rows.size());
                    rows.forEach(row -> attempts.add(AttemptView.of(row)));
                    return attempts;
                });
    }
}

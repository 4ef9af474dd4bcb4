package dev.tidings.outbox;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the outbox, which is also the event log: {@code sequence} stays null until the relay
 * has published the event to Kafka and made it visible in the log.
 */
@Entity
@Table(name = "outbox")
public class OutboxEvent extends PanacheEntityBase {

    /** Assigned by the database at insert, so rows of one subject are numbered in commit order. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id", nullable = false, unique = true)
    public UUID eventId;

    @Column(name = "event_type", nullable = false)
    public String eventType;

    @Column(nullable = false)
    public int version;

    @Column(nullable = false)
    public String source;

    @Column(nullable = false)
    public String subject;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    /** The envelope JSON exactly as it goes to Kafka, webhooks and SSE. */
    @Column(nullable = false)
    public String envelope;

    @Column(unique = true)
    public Long sequence;

    @Column(name = "published_at")
    public Instant publishedAt;
}

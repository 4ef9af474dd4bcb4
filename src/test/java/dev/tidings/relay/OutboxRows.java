package dev.tidings.relay;

import dev.tidings.support.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Outbox rows written by hand, as the API never would (events Kafka refuses, many at once). */
final class OutboxRows {

    private OutboxRows() {
    }

    static void insert(String eventId, String eventType, String subject, String data) throws SQLException {
        try (Connection connection = Database.connect()) {
            insert(connection, eventId, eventType, subject, data);
        }
    }

    static void insert(Connection connection, String eventId, String eventType, String subject, String data) throws SQLException {
        String envelope = "{\"eventId\":\"" + eventId + "\",\"eventType\":\"" + eventType + "\",\"version\":1,"
                + "\"timestamp\":\"2026-11-28T10:15:30.000Z\",\"source\":\"tidings\",\"subject\":\"" + subject
                + "\",\"data\":" + data + "}";
        try (PreparedStatement statement = connection.prepareStatement("""
                insert into outbox (event_id, event_type, version, source, subject, occurred_at, envelope)
                values (?::uuid, ?, 1, 'tidings', ?, now(), ?)""")) {
            statement.setString(1, eventId);
            statement.setString(2, eventType);
            statement.setString(3, subject);
            statement.setString(4, envelope);
            statement.executeUpdate();
        }
    }
}

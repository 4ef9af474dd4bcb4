package dev.tidings.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** Direct JDBC access to the test database, to check what was (not) written. */
public final class Database {

    private Database() {
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(TestInfrastructure.jdbcUrl(), TestInfrastructure.user(), TestInfrastructure.password());
    }

    public static long count(String sql, Object... args) {
        String value = strings(sql, args).get(0);
        return value == null ? 0 : Long.parseLong(value);
    }

    /** The first column of every row, as text. */
    public static List<String> strings(String sql, Object... args) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, args);
             ResultSet rows = statement.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs one statement with parameters; answers the number of rows it changed. */
    public static int update(String sql, Object... args) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, args)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void execute(String sql) {
        try (Connection connection = connect()) {
            connection.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Outbox rows (published or not) about one subject. */
    public static long outboxRows(String subject) {
        return count("select count(*) from outbox where subject = ?", subject);
    }

    /** The highest sequence the relay assigned so far (0 on an empty log). */
    public static long lastSequence() {
        return count("select coalesce(max(sequence), 0) from outbox");
    }

    /** Waits until the relay has published every committed row. */
    public static void awaitNothingPending(Duration atMost) {
        await().atMost(atMost).until(() -> count("select count(*) from outbox where sequence is null") == 0);
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... args) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            statement.setObject(i + 1, args[i]);
        }
        return statement;
    }
}

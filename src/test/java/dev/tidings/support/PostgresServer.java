package dev.tidings.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/** A real PostgreSQL server from the embedded binaries on Maven Central, listening on localhost. */
public final class PostgresServer implements AutoCloseable {

    public static final String DATABASE = "tidings";
    public static final String USER = "postgres";

    private final EmbeddedPostgres postgres;

    private PostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts a server; with a data directory the data survives restarts (and is flushed), otherwise it is thrown away. */
    public static PostgresServer start(Path dataDirectory, int port) throws IOException, SQLException {
        return start(dataDirectory, port, dataDirectory != null);
    }

    /** Starts a server that flushes its commits to disk or not ({@code fsync}). */
    public static PostgresServer start(Path dataDirectory, int port, boolean fsync) throws IOException, SQLException {
        return start(dataDirectory, port, fsync, Map.of());
    }

    /** The same, with further server settings (the benchmarks' statement statistics, say). */
    public static PostgresServer start(Path dataDirectory, int port, boolean fsync, Map<String, String> settings)
            throws IOException, SQLException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("max_connections", "300")
                .setServerConfig("fsync", fsync ? "on" : "off");
        settings.forEach(builder::setServerConfig);
        if (port > 0) {
            builder.setPort(port);
        }
        if (dataDirectory != null) {
            builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
        }
        PostgresServer server = new PostgresServer(builder.start());
        server.createDatabase();
        return server;
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/" + DATABASE;
    }

    public String reactiveUrl() {
        return "postgresql://localhost:" + port() + "/" + DATABASE;
    }

    private void createDatabase() throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.getJdbcUrl(USER, "postgres"));
             Statement statement = connection.createStatement();
             ResultSet exists = statement.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
            if (!exists.next()) {
                statement.execute("create database " + DATABASE);
            }
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}

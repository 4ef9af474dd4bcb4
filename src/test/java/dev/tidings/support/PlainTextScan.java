package dev.tidings.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads every row of every table of the public schema as text ({@code select t::text from <table> t}) and
 * answers where any of the given texts appears: to prove that a secret is stored nowhere in plain text.
 */
public final class PlainTextScan {

    /** Rows fetched at once: large tables (the outbox) are streamed, not loaded whole. */
    private static final int FETCH_SIZE = 500;

    private PlainTextScan() {
    }

    /** Where the texts appear in the test database, as {@code "<table>: text <n>"} (n counts from 1); empty when nowhere. */
    public static List<String> occurrences(List<String> texts) {
        try (Connection connection = Database.connect()) {
            return occurrences(connection, texts);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same, in the database of {@code connection}. */
    public static List<String> occurrences(Connection connection, List<String> texts) throws SQLException {
        Set<String> found = new LinkedHashSet<>();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false); // the driver streams a result set only inside a transaction
        try {
            for (String table : tables(connection)) {
                try (Statement statement = connection.createStatement()) {
                    statement.setFetchSize(FETCH_SIZE);
                    try (ResultSet rows = statement.executeQuery("select t::text from " + table + " t")) {
                        while (rows.next()) {
                            String row = rows.getString(1);
                            for (int i = 0; i < texts.size(); i++) {
                                if (row.contains(texts.get(i))) {
                                    found.add(table + ": text " + (i + 1));
                                }
                            }
                        }
                    }
                }
            }
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
        return new ArrayList<>(found);
    }

    /** Every table of the public schema, quoted for use in SQL. */
    public static List<String> tables(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select quote_ident(table_name) from information_schema.tables "
                     + "where table_schema = 'public' and table_type = 'BASE TABLE' order by 1")) {
            while (rows.next()) {
                tables.add(rows.getString(1));
            }
        }
        return tables;
    }

    /** Bytes as PostgreSQL writes a {@code bytea} as text: {@code \x} and lower-case hex. */
    public static String byteaText(byte[] bytes) {
        return "\\x" + HexFormat.of().formatHex(bytes);
    }
}

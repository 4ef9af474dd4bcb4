package dev.tidings.background;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Future;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.sqlclient.Transaction;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A transaction whose statements need none of each other's answers, in one round trip: BEGIN, the statements
 * and COMMIT are written to the connection together (it pipelines them) and PostgreSQL runs them in order. A
 * transaction of four statements written one after the other, each waiting for the answer before, costs six
 * round trips, each a wake-up of the database's process and of the event loop; at low rates, where every
 * background step works on an event or two, those round trips are most of what a step costs.
 *
 * <p>If a statement fails, those after it fail too (the transaction is aborted) and the COMMIT ends it as a
 * rollback; the answer is then the first failure. Whatever happens, the transaction has ended when the answer
 * comes: the COMMIT was written with the statements, and the connection is never left inside it. One failure does
 * not reach PostgreSQL and so does not abort the transaction: arguments the client itself refuses for a prepared
 * statement (a value of the wrong type). The statements around it then commit, and the answer is still that failure;
 * it is a programming error, which the callers' tests catch.
 *
 * <p>Work that needs an answer before its next statement uses {@link #withTransaction} instead: only its BEGIN
 * goes out with its first statements, and {@link #sendNow} writes a statement whose answer is read later.
 */
public final class PipelinedTransaction {

    /** A statement with its arguments (prepared and kept by the connection), or without (sent as plain text). */
    public record Statement(String sql, Tuple arguments) {

        public static Statement of(String sql, Tuple arguments) {
            return new Statement(sql, arguments);
        }

        public static Statement of(String sql) {
            return new Statement(sql, null);
        }
    }

    private PipelinedTransaction() {
    }

    /**
     * As {@code Pool.withTransaction}, but the BEGIN goes out with the work's first statements instead of a round trip
     * before them: those statements are written behind it at once. Committed when the work succeeds, rolled back when
     * it fails.
     */
    public static <T> Uni<T> withTransaction(Pool pool, Function<SqlConnection, Uni<T>> work) {
        return pool.withConnection(connection -> {
            Future<Transaction> begun = connection.getDelegate().begin();
            return work.apply(connection)
                    .call(() -> UniHelper.toUni(begun.compose(Transaction::commit)))
                    .onFailure().call(() -> UniHelper.toUni(begun.compose(Transaction::rollback)).onFailure().recoverWithNull());
        });
    }

    /**
     * Sends the statement behind {@code uni} now (it is written behind those sent before it); its answer is read
     * from the returned one, later, as often as needed.
     */
    public static <T> Uni<T> sendNow(Uni<T> uni) {
        Uni<T> answer = uni.memoize().indefinitely();
        answer.subscribe().with(ignored -> { }, ignored -> { });
        return answer;
    }

    /** Runs the statements in one transaction on {@code connection}; answers their rows, in order. */
    public static Uni<List<RowSet<Row>>> run(SqlConnection connection, List<Statement> statements) {
        io.vertx.sqlclient.SqlConnection c = connection.getDelegate();
        Future<?> begin = c.query("BEGIN").execute();
        List<Future<io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row>>> answers = new ArrayList<>(statements.size());
        for (Statement statement : statements) {
            answers.add(statement.arguments() == null ? c.query(statement.sql()).execute()
                    : c.preparedQuery(statement.sql()).execute(statement.arguments().getDelegate()));
        }
        Future<?> commit = c.query("COMMIT").execute();
        List<Future<?>> all = new ArrayList<>(answers.size() + 2);
        all.add(begin);
        all.addAll(answers);
        all.add(commit);
        return UniHelper.toUni(Future.join(all).transform(ended -> {
            if (begin.failed()) {
                return Future.failedFuture(begin.cause());
            }
            List<RowSet<Row>> rows = new ArrayList<>(answers.size());
            for (Future<io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row>> answer : answers) {
                if (answer.failed()) {
                    return Future.failedFuture(answer.cause());
                }
                rows.add(RowSet.newInstance(answer.result(), Row.__TYPE_ARG));
            }
            return commit.failed() ? Future.failedFuture(commit.cause()) : Future.succeededFuture(rows);
        }));
    }
}

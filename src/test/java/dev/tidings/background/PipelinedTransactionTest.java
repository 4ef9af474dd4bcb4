package dev.tidings.background;

import dev.tidings.background.PipelinedTransaction.Statement;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Statements sent together in one transaction: their answers in order, all or nothing, and the connection left outside it;
 * a transaction whose BEGIN goes out with its first statement commits or rolls back as any other.
 */
@QuarkusTest
class PipelinedTransactionTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @BeforeEach
    void createTable() {
        pool.query("drop table if exists pipelined_transaction_test").execute()
                .chain(() -> pool.query("create table pipelined_transaction_test (n int primary key)").execute()).await().atMost(PATIENCE);
    }

    @AfterEach
    void dropTable() {
        pool.query("drop table pipelined_transaction_test").execute().await().atMost(PATIENCE);
    }

    @Test
    void theStatementsRunInOrderInOneTransactionAndAreCommitted() {
        List<RowSet<Row>> answers = new ArrayList<>();
        long committed = committedRowsAfter(pool.withConnection(c -> PipelinedTransaction.run(c, List.of(
                        Statement.of("select pg_current_xact_id()::text as tx"),
                        Statement.of("insert into pipelined_transaction_test values ($1), ($2)", Tuple.of(1, 2)),
                        Statement.of("select count(*) as n from pipelined_transaction_test"),
                        Statement.of("select pg_current_xact_id()::text as tx")))
                .invoke(answers::addAll)
                .call(() -> assertOutsideATransaction(c))));

        assertThat(answers).hasSize(4);
        assertThat(answers.get(1).rowCount()).isEqualTo(2);
        assertThat(answers.get(2).iterator().next().getLong("n")).as("each statement sees those before it").isEqualTo(2);
        assertThat(answers.get(3).iterator().next().getString("tx")).as("one transaction")
                .isEqualTo(answers.get(0).iterator().next().getString("tx"));
        assertThat(committed).as("committed").isEqualTo(2);
    }

    @Test
    void aFailingStatementRollsBackTheOthersAndItsOwnFailureIsTheAnswer() {
        Uni<Void> failingThenAlone = pool.withConnection(c -> PipelinedTransaction.run(c, List.of(
                        Statement.of("insert into pipelined_transaction_test values ($1)", Tuple.of(1)),
                        Statement.of("select 1 / $1 as n", Tuple.of(0)),
                        Statement.of("insert into pipelined_transaction_test values ($1)", Tuple.of(2))))
                .onFailure().recoverWithUni(failure -> c.query("insert into pipelined_transaction_test values (3)").execute()
                        .call(() -> assertOutsideATransaction(c))
                        .chain(() -> Uni.createFrom().failure(failure)))
                .replaceWithVoid());

        assertThatThrownBy(() -> failingThenAlone.await().atMost(PATIENCE))
                .as("the statement's own failure, not the aborted transaction's").hasMessageContaining("division by zero");
        assertThat(pool.query("select array_agg(n order by n)::text as ns from pipelined_transaction_test").execute()
                .map(rows -> rows.iterator().next().getString("ns")).await().atMost(PATIENCE))
                .as("the transaction rolled back; the statement after it on the same connection ran on its own and committed")
                .isEqualTo("{3}");
    }

    @Test
    void aTransactionWhoseBeginGoesOutWithItsFirstStatementCommitsWhatSucceedsAndRollsBackWhatFails() {
        List<String> transactions = new ArrayList<>();
        long committed = committedRowsAfter(PipelinedTransaction.withTransaction(pool, c -> transactionId(c)
                .chain(first -> c.query("insert into pipelined_transaction_test values (1)").execute()
                        .chain(() -> transactionId(c)).invoke(second -> transactions.addAll(List.of(first, second))))));

        assertThat(transactions.get(1)).as("one transaction").isEqualTo(transactions.get(0));
        assertThat(committed).as("committed").isEqualTo(1);

        Uni<Void> failing = PipelinedTransaction.withTransaction(pool, c -> c.query("insert into pipelined_transaction_test values (2)").execute()
                .chain(() -> Uni.createFrom().failure(new IllegalStateException("the work failed"))));
        assertThatThrownBy(() -> committedRowsAfter(failing)).hasMessage("the work failed");
        assertThat(committedRowsAfter(Uni.createFrom().voidItem())).as("rolled back").isEqualTo(1);
    }

    private static Uni<String> transactionId(SqlConnection c) {
        return c.query("select pg_current_xact_id()::text as tx").execute().map(rows -> rows.iterator().next().getString("tx"));
    }

    /** Nothing left open on the connection: a statement of its own is not inside a transaction that holds an id. */
    private static Uni<Void> assertOutsideATransaction(SqlConnection c) {
        return c.query("select pg_current_xact_id_if_assigned() is null as outside").execute()
                .invoke(rows -> assertThat(rows.iterator().next().getBoolean("outside")).as("the transaction ended").isTrue())
                .replaceWithVoid();
    }

    /**
     * Runs {@code work} while holding a connection of its own, so the work runs on another, then counts the table's rows
     * on the held one: it sees only what the work committed.
     */
    private long committedRowsAfter(Uni<?> work) {
        return pool.withConnection(held -> work.chain(() -> held.query("select count(*) from pipelined_transaction_test").execute()))
                .map(rows -> rows.iterator().next().getLong(0)).await().atMost(PATIENCE);
    }
}

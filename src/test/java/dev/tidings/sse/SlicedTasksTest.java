package dev.tidings.sse;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Work done a slice per event loop task, so that the loop's other tasks run in between. */
class SlicedTasksTest {

    private final Vertx vertx = Vertx.vertx();
    private final Context loop = vertx.getOrCreateContext();
    private final List<String> happened = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void eachSliceIsATaskOfItsOwnOnTheLoopAndATaskQueuedMeanwhileRunsBeforeTheNextSlice() throws Exception {
        List<Integer> items = IntStream.range(0, 10).boxed().toList();
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.runOnContext(start -> SlicedTasks.run(loop, items, 3, slice -> {
            assertThat(Context.isOnEventLoopThread()).isTrue();
            happened.add("slice " + slice);
            if (happened.size() == 1) {
                loop.runOnContext(other -> happened.add("another task"));
            }
        }, () -> done.complete(null)));

        done.get(10, TimeUnit.SECONDS);
        assertThat(happened).containsExactly("slice [0, 1, 2]", "another task", "slice [3, 4, 5]", "slice [6, 7, 8]", "slice [9]");
    }

    @Test
    void aSliceThatThrowsDoesNotStopTheOthers() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        SlicedTasks.run(loop, List.of(1, 2, 3), 1, slice -> {
            happened.add("slice " + slice);
            if (slice.contains(2)) {
                throw new IllegalStateException("a stream failed");
            }
        }, () -> done.complete(null));

        done.get(10, TimeUnit.SECONDS);
        assertThat(happened).containsExactly("slice [1]", "slice [2]", "slice [3]");
    }

    @Test
    void withoutALoopAllItemsAreWorkedOnAtOnceOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        boolean[] done = {false};
        SlicedTasks.run(null, List.of(1, 2, 3), 1, slice -> {
            assertThat(Thread.currentThread()).isSameAs(caller);
            happened.add("slice " + slice);
        }, () -> done[0] = true);

        assertThat(happened).containsExactly("slice [1, 2, 3]");
        assertThat(done[0]).isTrue();
    }
}

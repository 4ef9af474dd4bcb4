package dev.tidings.sse;

import io.vertx.core.Context;

import java.util.List;
import java.util.function.Consumer;

/**
 * Work over many items done on one event loop a slice at a time, one task per slice, each queued when the one before
 * ends: between two slices the loop runs whatever else waits for it (requests, database answers, socket writes). So a
 * broadcast to the thousands of streams of one loop holds that loop for a slice, not for the whole broadcast.
 */
final class SlicedTasks {

    private SlicedTasks() {
    }

    /**
     * Runs {@code work} on consecutive slices of {@code items}, at most {@code sliceSize} each, in order, each in its
     * own task on {@code loop}, then {@code done} (also when a slice's work throws); with no loop, all at once on the
     * calling thread.
     */
    static <T> void run(Context loop, List<T> items, int sliceSize, Consumer<List<T>> work, Runnable done) {
        if (loop == null) {
            try {
                work.accept(items);
            } finally {
                done.run();
            }
        } else {
            next(loop, items, 0, Math.max(1, sliceSize), work, done);
        }
    }

    private static <T> void next(Context loop, List<T> items, int from, int sliceSize, Consumer<List<T>> work, Runnable done) {
        loop.runOnContext(ignored -> {
            int to = Math.min(items.size(), from + sliceSize);
            try {
                work.accept(items.subList(from, to));
            } finally {
                if (to < items.size()) {
                    next(loop, items, to, sliceSize, work, done);
                } else {
                    done.run();
                }
            }
        });
    }
}

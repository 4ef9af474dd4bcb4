package dev.tidings.paging;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;
import java.util.function.Function;

/** Every list answer: the items, and the cursor to pass back as {@code after}, null at the end. */
@RegisterForReflection
public record Page<T>(List<T> items, String next) {

    /**
     * Builds a page from a query that fetched {@code limit + 1} rows: the extra row only tells that more
     * exist, and the cursor is the last returned item's.
     */
    public static <R, T> Page<T> of(List<R> rows, int limit, Function<R, T> view, Function<R, String> cursor) {
        boolean more = rows.size() > limit;
        List<R> page = more ? rows.subList(0, limit) : rows;
        return new Page<>(page.stream().map(view).toList(), more ? cursor.apply(page.get(page.size() - 1)) : null);
    }
}

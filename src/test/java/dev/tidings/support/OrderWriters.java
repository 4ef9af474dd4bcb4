package dev.tidings.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Writers that place and pay orders concurrently through the API, for tests that read while others write. */
public final class OrderWriters implements AutoCloseable {

    private final ExecutorService pool;
    private final List<Future<?>> writers = new ArrayList<>();

    private OrderWriters(int count, int ordersEach, String customerId) {
        this.pool = Executors.newFixedThreadPool(count);
        for (int w = 0; w < count; w++) {
            writers.add(pool.submit(() -> {
                for (int i = 0; i < ordersEach; i++) {
                    Orders.pay(Orders.place(customerId));
                }
            }));
        }
    }

    /** Starts {@code count} writers, each placing and paying {@code ordersEach} orders (two events per order). */
    public static OrderWriters start(int count, int ordersEach, String customerId) {
        return new OrderWriters(count, ordersEach, customerId);
    }

    public boolean running() {
        return writers.stream().anyMatch(writer -> !writer.isDone());
    }

    /** Waits until every writer is done; a writer that failed fails the caller. */
    public void awaitDone(Duration atMost) throws Exception {
        Instant deadline = Instant.now().plus(atMost);
        for (Future<?> writer : writers) {
            writer.get(Math.max(0, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}

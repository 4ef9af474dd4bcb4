package dev.tidings.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * P2's open-loop load: requests at a fixed rate over a pool of keep-alive connections, from Vert.x's HTTP
 * client on one event loop. The JDK's client cost the load side a third of a core at 350 requests/s, on the
 * two cores the service shares with it.
 */
final class FixedRateLoad implements AutoCloseable {

    /** Requests in flight at most, each on a connection of its own. */
    private static final int CONNECTIONS = 64;

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final HttpClient client;

    FixedRateLoad(int port) {
        client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
                .setKeepAlive(true).setMaxPoolSize(CONNECTIONS));
    }

    /**
     * POSTs {@code body} to {@code path} {@code perSecond} times a second for {@code duration}; adds each 201's
     * latency to {@code latencies}, waits for the last answers and answers how many requests failed (answered
     * anything else, or nothing within 30 s).
     */
    long run(String path, Map<String, String> headers, String body, int perSecond, Duration duration, Measurements latencies)
            throws InterruptedException {
        long total = perSecond * duration.toSeconds();
        AtomicLong sent = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        CountDownLatch allSent = new CountDownLatch(1);
        long start = System.nanoTime();
        vertx.setPeriodic(1, timer -> {
            long due = Math.min(total, (System.nanoTime() - start) * perSecond / 1_000_000_000L);
            while (sent.get() < due) {
                sent.incrementAndGet();
                send(path, headers, body, latencies, failures, answered);
            }
            if (sent.get() >= total) {
                vertx.cancelTimer(timer);
                allSent.countDown();
            }
        });
        if (!allSent.await(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the fixed-rate load did not send its requests in time");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (answered.get() < total && System.nanoTime() < deadline) {
            Thread.sleep(10); // the last answers: closing the client sooner would cut requests off mid-way
        }
        return failures.get() + (total - answered.get());
    }

    private void send(String path, Map<String, String> headers, String body, Measurements latencies, AtomicLong failures,
                      AtomicLong answered) {
        long sentAt = System.nanoTime();
        client.request(HttpMethod.POST, path)
                .compose(request -> {
                    headers.forEach(request::putHeader);
                    return request.send(body);
                })
                .compose(response -> response.body().map(ignored -> response))
                .onComplete(answer -> {
                    HttpClientResponse response = answer.result();
                    if (answer.succeeded() && response.statusCode() == 201) {
                        latencies.add((System.nanoTime() - sentAt) / 1e6);
                    } else {
                        failures.incrementAndGet();
                    }
                    answered.incrementAndGet();
                });
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}

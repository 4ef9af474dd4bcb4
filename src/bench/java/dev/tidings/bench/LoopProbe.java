package dev.tidings.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks the service's liveness endpoint, as Kubernetes does, over a few connections (each is served by one of the
 * service's event loops) every 20 ms while P5 broadcasts, and keeps how long each answer took: a loop kept busy by
 * the broadcast shows as an answer that waited.
 */
final class LoopProbe {

    private static final int CONNECTIONS = 4;
    private static final Duration PAUSE = Duration.ofMillis(20);

    private final Measurements answers = new Measurements();
    private final List<Thread> probes = new ArrayList<>();
    private volatile boolean running = true;
    private final AtomicInteger failures = new AtomicInteger();

    private LoopProbe(int port) {
        HttpRequest live = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/live"))
                .timeout(Duration.ofSeconds(30)).build();
        for (int i = 0; i < CONNECTIONS; i++) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Thread probe = new Thread(() -> probe(client, live), "loop-probe-" + i);
            probe.setDaemon(true);
            probe.start();
            probes.add(probe);
        }
    }

    static LoopProbe start(int port) {
        return new LoopProbe(port);
    }

    private void probe(HttpClient client, HttpRequest live) {
        while (running) {
            long start = System.nanoTime();
            try {
                client.send(live, HttpResponse.BodyHandlers.discarding());
                answers.add((System.nanoTime() - start) / 1e6);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                failures.incrementAndGet(); // and asks again after the pause: a refused connection fails at once
            }
            try {
                Thread.sleep(PAUSE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops asking (waits for the answers under way) and summarises the answers' times. */
    Map<String, Object> stop() throws InterruptedException {
        running = false;
        for (Thread probe : probes) {
            probe.join(Duration.ofSeconds(35).toMillis());
        }
        Map<String, Object> summary = answers.summary();
        summary.put("failures", failures.get());
        return summary;
    }
}

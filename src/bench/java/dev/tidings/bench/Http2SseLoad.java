package dev.tidings.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * SSE streams over HTTP/2 in cleartext (prior knowledge), {@link #STREAMS_PER_CONNECTION} to a connection, as a
 * browser multiplexes its EventSource streams to one origin: a few hundred sockets hold 20,000 streams. Vert.x's
 * HTTP/2 client on one event loop, which is also the thread that reads and touches the state.
 */
final class Http2SseLoad extends StreamLoad {

    /** Streams on one connection: the usual SETTINGS_MAX_CONCURRENT_STREAMS of servers and browsers. */
    static final int STREAMS_PER_CONNECTION = 100;
    /**
     * The receive windows a browser opens (Chrome's: 6 MiB a stream, 15 MiB the connection), not HTTP/2's
     * initial 64 KiB: one event's frames to 100 streams are more than 64 KiB, so with the protocol's defaults
     * the server would wait for the client's WINDOW_UPDATE within every broadcast, which browsers never make it do.
     */
    private static final int STREAM_WINDOW = 6 * 1024 * 1024;
    private static final int CONNECTION_WINDOW = 15 * 1024 * 1024;

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final HttpClient client;
    private final RequestOptions request;
    private final List<Stream> streams = new ArrayList<>();
    private int connecting;

    private Http2SseLoad(int port, String pathAndQuery, String key, int streams) {
        client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                        .setDefaultHost("127.0.0.1").setDefaultPort(port).setHttp2MultiplexingLimit(STREAMS_PER_CONNECTION)
                        .setInitialSettings(new Http2Settings().setInitialWindowSize(STREAM_WINDOW)).setHttp2ConnectionWindowSize(CONNECTION_WINDOW),
                new PoolOptions().setHttp2MaxSize((streams + STREAMS_PER_CONNECTION - 1) / STREAMS_PER_CONNECTION));
        request = new RequestOptions().setMethod(HttpMethod.GET).setURI(pathAndQuery).putHeader("Accept", "text/event-stream")
                .putHeader("Authorization", "Bearer " + key);
    }

    /** Child process: {@code Http2SseLoad <port> <path> <key> <streams>}, then the commands of {@link StreamLoad#serve}. */
    public static void main(String[] args) throws Exception {
        int streams = Integer.parseInt(args[3]);
        StreamLoad.serve(new Http2SseLoad(Integer.parseInt(args[0]), args[1], args[2], streams), streams);
    }

    @Override
    void openAll(int count, Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        CompletableFuture<Void> answered = new CompletableFuture<>();
        vertx.setPeriodic(1, 20, timer -> {
            while (streams.size() < count && connecting < CONNECTING_AT_ONCE) {
                open();
            }
            boolean late = System.nanoTime() > deadline;
            if (streams.size() == count && connecting == 0 || late) {
                vertx.cancelTimer(timer);
                refuse("not answered in " + atMost.toSeconds() + " s", late ? connecting : 0);
                answered.complete(null);
            }
        });
        answered.get(atMost.toSeconds() + 30, TimeUnit.SECONDS);
    }

    private void open() {
        Stream stream = new Stream();
        streams.add(stream);
        connecting++;
        client.request(request).compose(r -> r.send()).onComplete(sent -> {
            connecting--;
            if (sent.failed()) {
                stream.fail(sent.cause().getClass().getSimpleName() + ": " + sent.cause().getMessage());
            } else if (sent.result().statusCode() != 200) {
                stream.fail("HTTP " + sent.result().statusCode());
            } else {
                stream.opened(sent.result());
            }
        });
    }

    @Override
    void startReading() {
        vertx.setPeriodic(20, timer -> answerIfDue());
    }

    @Override
    void stopReading() {
        // the event loop stops with close()
    }

    @Override
    boolean allHave(int events) {
        return streams.stream().noneMatch(s -> s.response != null && s.body.events() < events);
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** One stream: open while it has a response. */
    private final class Stream {
        private final SseFrameTimer body = new SseFrameTimer();
        private HttpClientResponse response;

        void opened(HttpClientResponse answered) {
            response = answered;
            held++;
            answered.handler(this::read);
            answered.exceptionHandler(e -> fail(e.getClass().getSimpleName() + ": " + e.getMessage()));
            answered.endHandler(ended -> fail("closed by the server"));
        }

        private void read(Buffer buffer) {
            Instant at = Instant.now();
            for (int i = 0; i < buffer.length(); i++) {
                double latency = body.take(buffer.getByte(i), at);
                if (latency >= 0) {
                    record(latency);
                }
            }
        }

        void fail(String reason) {
            if (response == null) {
                refuse(reason, 1);
                return;
            }
            response = null;
            held--;
            refuse("after opening: " + reason, 1);
        }
    }
}

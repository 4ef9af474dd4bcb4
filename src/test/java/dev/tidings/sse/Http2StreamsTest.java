package dev.tidings.sse;

import dev.tidings.support.Api;
import dev.tidings.support.Database;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Streams that share one HTTP/2 connection, as a browser's EventSource streams to one origin do: the frames of a
 * broadcast to all of them leave in one flush of the connection (see {@link SharedConnectionFlushes}), and none is
 * held back by that, nor is another request's answer on the same connection.
 */
@QuarkusTest
class Http2StreamsTest {

    private static final Pattern ID = Pattern.compile("^id: ?(\\d+)$", Pattern.MULTILINE);

    @TestHTTPResource
    URL service;
    @Inject
    Vertx vertx;

    @Test
    void streamsOnOneHttp2ConnectionEachReceiveEveryEventInOrderAndOtherRequestsAreAnswered() throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                        .setHttp2ClearTextUpgrade(false).setHttp2MultiplexingLimit(100)
                        .setDefaultHost(service.getHost()).setDefaultPort(service.getPort()),
                new PoolOptions().setHttp2MaxSize(1));
        try {
            List<Stream> streams = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                streams.add(open(client, "/events/stream?types=shared.*"));
            }
            assertThat(streams.stream().map(stream -> stream.connection).distinct()).as("one connection").hasSize(1);
            assertThat(streams.get(0).response.version()).isEqualTo(HttpVersion.HTTP_2);
            // Every stream is live once it has received a frame: its first comment or a keepalive. Not the first comment
            // only: it comes in the DATA frame right after the response's headers, and Vert.x's client may pass that frame
            // on before the test's handler is set (a stream then showed ten keepalives and no "connected")
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(streams)
                    .allSatisfy(stream -> assertThat(stream.text()).as("stream %d", streams.indexOf(stream)).isNotEmpty()));
            assertThat(streams).anySatisfy(stream -> assertThat(stream.text()).contains("connected"));

            int events = 300; // more than one of the feed's reads (128 in tests)
            Database.execute("""
                    insert into outbox (event_id, event_type, version, source, subject, occurred_at, envelope)
                    select gen_random_uuid(), 'shared.sent', 1, 'tests', 'shared/' || i, now(), '{}'
                    from generate_series(1, %d) as i""".formatted(events));
            for (Stream stream : streams) {
                await().atMost(Duration.ofSeconds(30)).until(() -> stream.ids().size() >= events);
                List<Long> ids = stream.ids();
                assertThat(ids).hasSize(events).isSorted().doesNotHaveDuplicates();
                assertThat(ids.get(events - 1) - ids.get(0)).as("no gap").isEqualTo(events - 1);
            }

            // an ordinary request on the same connection, while its streams are open
            HttpClientResponse page = client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/events?limit=1")
                            .putHeader("Authorization", "Bearer " + Api.KEY))
                    .compose(request -> request.send())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.request().connection()).isSameAs(streams.get(0).connection);
        } finally {
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static Stream open(HttpClient client, String uri) throws Exception {
        Stream stream = new Stream();
        HttpClientResponse response = client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(uri)
                        .putHeader("Accept", "text/event-stream").putHeader("Authorization", "Bearer " + Api.KEY))
                .compose(request -> request.send())
                .map(answer -> answer.handler(buffer -> stream.chunks.add(buffer.toString()))) // before its first frame
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        stream.response = response;
        stream.connection = response.request().connection();
        return stream;
    }

    private static final class Stream {
        final List<String> chunks = new CopyOnWriteArrayList<>();
        HttpClientResponse response;
        HttpConnection connection;

        String text() {
            return String.join("", chunks);
        }

        List<Long> ids() {
            List<Long> ids = new ArrayList<>();
            Matcher matcher = ID.matcher(text());
            while (matcher.find()) {
                ids.add(Long.parseLong(matcher.group(1)));
            }
            return ids;
        }
    }
}

package dev.tidings.webhook.delivery;

import dev.tidings.config.EventsConfig;
import dev.tidings.event.Timestamps;
import dev.tidings.problem.FailureText;
import dev.tidings.webhook.signing.WebhookSigner;
import dev.tidings.webhook.subscription.RefusedTarget;
import dev.tidings.webhook.subscription.TargetResolver;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientRequest;
import io.vertx.mutiny.core.http.HttpClientResponse;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends one signed webhook request (Standard Webhooks): checks the target's addresses again, connects
 * to the address it checked, never follows redirects. The attempt is bounded: the response status must
 * come within {@code events.webhooks.timeout} of the start, and the body is read until that same
 * deadline or {@code events.webhooks.response-body-bytes}, whichever comes first; then the request is
 * reset, so no receiver keeps a connection or fills memory. It never fails: every outcome is an
 * {@link AttemptResult}.
 */
@ApplicationScoped
public class WebhookSender {

    private static final int MAX_ERROR_LENGTH = 500;
    /** Mutiny refuses a zero delay; a body still arriving at the deadline gets this last moment. */
    private static final Duration LAST_MOMENT = Duration.ofMillis(1);

    private final HttpClient client;
    private final TargetResolver targets;
    private final Duration timeout;
    private final long maxBodyBytes;
    private final String userAgent;

    public WebhookSender(Vertx vertx, TargetResolver targets, EventsConfig config,
                         @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.targets = targets;
        this.timeout = config.webhooks().timeout();
        this.maxBodyBytes = config.webhooks().responseBodyBytes();
        this.userAgent = "Tidings/" + version;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) timeout.toMillis())
                .setForceSni(true)
                .setMaxPoolSize(config.webhooks().concurrency())
                .setKeepAlive(true)
                // The caller's attempt span is the client span: its traceparent comes with the extra headers
                .setTracingPolicy(TracingPolicy.IGNORE));
    }

    public Uni<AttemptResult> send(String url, String messageId, String body, List<String> secrets, Map<String, String> extraHeaders) {
        Instant attemptedAt = Timestamps.now();
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        AtomicBoolean connected = new AtomicBoolean();
        return targets.resolve(url)
                .chain(resolved -> {
                    long timestamp = Instant.now().getEpochSecond();
                    RequestOptions request = new RequestOptions()
                            .setMethod(HttpMethod.POST)
                            .setAbsoluteURI(resolved.target().uri().toString())
                            .setServer(SocketAddress.inetSocketAddress(resolved.target().port(), resolved.address().getHostAddress()))
                            .setFollowRedirects(false)
                            .putHeader("content-type", "application/json")
                            .putHeader("user-agent", userAgent)
                            .putHeader(WebhookSigner.HEADER_ID, messageId)
                            .putHeader(WebhookSigner.HEADER_TIMESTAMP, Long.toString(timestamp))
                            .putHeader(WebhookSigner.HEADER_SIGNATURE, WebhookSigner.signature(messageId, timestamp, body, secrets));
                    extraHeaders.forEach(request::putHeader);
                    return client.request(request)
                            .invoke(() -> connected.set(true))
                            .chain(req -> req.send(Buffer.buffer(body))
                                    .onCancellation().invoke(req::reset)
                                    .map(response -> new Exchange(req, response)));
                })
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .chain(exchange -> readBody(exchange.request(), exchange.response(), deadline)
                        .map(status -> new AttemptResult(status, null, false,
                                RetryAfter.of(status, exchange.response().getHeader("Retry-After"), Instant.now()).orElse(null),
                                elapsed(started), attemptedAt)))
                .onFailure().recoverWithItem(failure -> new AttemptResult(null, describe(failure),
                        isSenderSide(failure, connected.get()), null, elapsed(started), attemptedAt));
    }

    private record Exchange(HttpClientRequest request, HttpClientResponse response) {
    }

    /**
     * The outcome is the status; the body is read (and dropped) only up to the cap and the deadline, then
     * the request is reset. A body that breaks off changes nothing: the receiver has answered.
     */
    private Uni<Integer> readBody(HttpClientRequest request, HttpClientResponse response, long deadline) {
        int status = response.statusCode();
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        return Uni.createFrom().<Integer>emitter(emitter -> {
            long[] read = {0};
            response.handler(chunk -> {
                read[0] += chunk.length();
                if (read[0] > maxBodyBytes) {
                    request.reset();
                    emitter.complete(status);
                }
            });
            response.exceptionHandler(failure -> emitter.complete(status));
            response.endHandler(() -> emitter.complete(status));
        }).ifNoItem().after(left.compareTo(LAST_MOMENT) > 0 ? left : LAST_MOMENT).recoverWithItem(() -> {
            request.reset();
            return status;
        });
    }

    /** Not the receiver's answer: the target was refused or not found, there is no route, or no connection came about. */
    private static boolean isSenderSide(Throwable failure, boolean connected) {
        return failure instanceof RefusedTarget || failure instanceof UnknownHostException
                || failure instanceof NoRouteToHostException
                || (failure instanceof SocketException && String.valueOf(failure.getMessage()).contains("unreachable"))
                || (isTimeout(failure) && !connected);
    }

    private static boolean isTimeout(Throwable failure) {
        return failure instanceof TimeoutException || failure.getClass().getSimpleName().contains("Timeout");
    }

    private String describe(Throwable failure) {
        String message;
        if (failure instanceof RefusedTarget refused) {
            message = "Refused target: url " + refused.getMessage();
        } else if (isTimeout(failure)) {
            message = "Timed out after " + timeout.toMillis() + " ms";
        } else {
            message = FailureText.of(failure, "The request failed; the HTTP client gave no reason");
        }
        return message.length() > MAX_ERROR_LENGTH ? message.substring(0, MAX_ERROR_LENGTH) : message;
    }

    private static long elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
    }

    @PreDestroy
    void close() {
        client.closeAndAwait();
    }
}

package dev.tidings.webhook.delivery;

import dev.tidings.config.EventsConfig;
import dev.tidings.event.Timestamps;
import dev.tidings.webhook.signing.WebhookSigner;
import dev.tidings.webhook.subscription.RefusedTarget;
import dev.tidings.webhook.subscription.TargetResolver;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Sends one signed webhook request (Standard Webhooks): checks the target's addresses again, connects
 * to the address it checked, never follows redirects, and gives up after {@code events.webhooks.timeout}.
 * It never fails: every outcome is an {@link AttemptResult}.
 */
@ApplicationScoped
public class WebhookSender {

    private static final int MAX_ERROR_LENGTH = 500;

    private final HttpClient client;
    private final TargetResolver targets;
    private final Duration timeout;
    private final String userAgent;

    public WebhookSender(Vertx vertx, TargetResolver targets, EventsConfig config,
                         @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.targets = targets;
        this.timeout = config.webhooks().timeout();
        this.userAgent = "Tidings/" + version;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) timeout.toMillis())
                .setForceSni(true)
                .setMaxPoolSize(config.webhooks().concurrency())
                .setKeepAlive(true));
    }

    public Uni<AttemptResult> send(String url, String messageId, String body, List<String> secrets, Map<String, String> extraHeaders) {
        Instant attemptedAt = Timestamps.now();
        long started = System.nanoTime();
        return targets.resolve(url)
                .chain(resolved -> {
                    long timestamp = Instant.now().getEpochSecond();
                    RequestOptions request = new RequestOptions()
                            .setMethod(HttpMethod.POST)
                            .setAbsoluteURI(resolved.target().uri().toString())
                            .setServer(SocketAddress.inetSocketAddress(resolved.target().port(), resolved.address().getHostAddress()))
                            .setFollowRedirects(false)
                            .setIdleTimeout(timeout.toMillis())
                            .putHeader("content-type", "application/json")
                            .putHeader("user-agent", userAgent)
                            .putHeader(WebhookSigner.HEADER_ID, messageId)
                            .putHeader(WebhookSigner.HEADER_TIMESTAMP, Long.toString(timestamp))
                            .putHeader(WebhookSigner.HEADER_SIGNATURE, WebhookSigner.signature(messageId, timestamp, body, secrets));
                    extraHeaders.forEach(request::putHeader);
                    return client.request(request)
                            .chain(req -> req.send(Buffer.buffer(body)))
                            .chain(response -> response.body().map(ignored -> response.statusCode()));
                })
                .ifNoItem().after(timeout).failWith(() -> new TimeoutException())
                .map(status -> new AttemptResult(status, null, elapsed(started), attemptedAt))
                .onFailure().recoverWithItem(failure -> new AttemptResult(null, describe(failure), elapsed(started), attemptedAt));
    }

    private String describe(Throwable failure) {
        String message;
        if (failure instanceof RefusedTarget refused) {
            message = "Refused target: url " + refused.getMessage();
        } else if (failure instanceof TimeoutException || failure.getClass().getSimpleName().contains("Timeout")) {
            message = "Timed out after " + timeout.toMillis() + " ms";
        } else {
            message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
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

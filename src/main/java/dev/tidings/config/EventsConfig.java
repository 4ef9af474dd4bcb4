package dev.tidings.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;

/** The one configuration root of the service: every {@code events.*} key, with its default. */
@ConfigMapping(prefix = "events")
public interface EventsConfig {

    /** The envelope's {@code source}. */
    @WithDefault("tidings")
    String source();

    Auth auth();

    Kafka kafka();

    Outbox outbox();

    Webhooks webhooks();

    Sse sse();

    interface Auth {
        /** Accepted bearer keys. Required: without it the service refuses to start (dev mode sets one). */
        @WithName("api-keys")
        List<String> apiKeys();
    }

    interface Kafka {
        /** Topic = prefix + resource ({@code order.created} goes to {@code events.order}). */
        @WithDefault("events.")
        String topicPrefix();
    }

    interface Outbox {
        /** The relay's fallback poll; a commit wakes it sooner through LISTEN/NOTIFY. */
        @WithDefault("100ms")
        Duration pollInterval();

        /** Rows the relay claims at once. */
        @WithDefault("500")
        int batchSize();
    }

    interface Webhooks {
        @WithDefault("1m,5m,30m,2h,24h")
        List<Duration> retrySchedule();

        @WithDefault("5")
        int disableAfterFailures();

        @WithDefault("10s")
        Duration timeout();

        @WithDefault("false")
        boolean allowHttp();

        @WithDefault("false")
        boolean allowPrivateTargets();

        @WithDefault("24h")
        Duration secretRotationOverlap();

        /** Attempts one instance makes at the same time, across all subscriptions. */
        @WithDefault("64")
        int concurrency();

        /** How often the delivery worker looks for retries that fell due (new deliveries wake it at once). */
        @WithDefault("250ms")
        Duration pollInterval();

        /**
         * A claimed delivery is leased for the timeout plus this margin; if the instance dies mid-attempt,
         * another one attempts it again when the lease ends. The margin covers recording the outcome.
         */
        @WithDefault("15s")
        Duration leaseMargin();
    }

    interface Sse {
        /** The :keepalive comment's period. */
        @WithDefault("15s")
        Duration heartbeatInterval();

        /** Events a stream may have waiting for its client; a client that lets more pile up is disconnected. */
        @WithDefault("1024")
        int clientBuffer();

        /** How often the live feed reads the log when no notification woke it. */
        @WithDefault("1s")
        Duration pollInterval();
    }
}

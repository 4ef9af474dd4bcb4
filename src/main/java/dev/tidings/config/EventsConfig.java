package dev.tidings.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;

/**
 * The one configuration root of the service: every {@code events.*} key, with its default. {@link ConfigChecks}
 * checks the values as the configuration is built (a zero or negative size, count or duration stops the service,
 * naming the key).
 */
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

    Secrets secrets();

    Retention retention();

    Limits limits();

    Portal portal();

    Benchmark benchmark();

    interface Auth {
        /** Accepted bearer keys. Required: without it the service refuses to start (dev mode sets one). */
        @WithName("api-keys")
        List<String> apiKeys();
    }

    interface Kafka {
        /** Topic = prefix + resource ({@code order.created} goes to {@code events.order}); only characters Kafka accepts. */
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

        /**
         * How long the relay waits for Kafka's acknowledgements of one batch before it gives the batch up
         * (and tries again): bounds how long a batch holds its transaction while the broker is away.
         */
        @WithDefault("10s")
        Duration publishTimeout();

        /**
         * Whether the service's own events are checked against their schemas as they are written. They are
         * built from typed records whose schemas ship with the service, so this checks the service itself:
         * on in dev mode and in the tests (every built-in event the test suite emits is checked), off by
         * default because it re-reads every event's data on the busiest write path.
         */
        @WithDefault("false")
        boolean validateBuiltInEvents();
    }

    interface Webhooks {
        @WithDefault("1m,5m,30m,2h,24h")
        List<Duration> retrySchedule();

        @WithDefault("5")
        int disableAfterFailures();

        /** Bounds the whole attempt: resolving, connecting, sending and the response status. */
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

        /** Attempts in flight to one subscription, all replicas together: one slow receiver never takes every slot. */
        @WithDefault("8")
        int concurrencyPerSubscription();

        /** Most bytes of a receiver's response body read; then the connection is reset. */
        @WithDefault("65536")
        int responseBodyBytes();

        /** How long resolving a receiver's host name may take (look-ups run in parallel, off the event loop). */
        @WithDefault("5s")
        Duration dnsTimeout();

        /** How often the delivery worker looks for retries that fell due (new deliveries wake it at once). */
        @WithDefault("250ms")
        Duration pollInterval();

        /**
         * A claimed delivery is leased for the timeout plus this margin; if the instance dies mid-attempt,
         * another one attempts it again when the lease ends. The margin covers recording the outcome.
         */
        @WithDefault("15s")
        Duration leaseMargin();

        /**
         * Subscriptions that have attempt metrics of their own on one instance at a time; attempts to the
         * others are counted under {@code subscription="other"} (bounds the metrics' cardinality).
         */
        @WithDefault("100")
        int subscriptionMetrics();
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

    interface Secrets {
        /**
         * Base64 AES-256 keys (32 bytes each) that seal webhook signing secrets at rest: the first seals, every
         * one opens. Required: without it, or with a malformed key, the service refuses to start (dev mode sets one).
         */
        List<String> keys();
    }

    interface Retention {
        /** Events leave the log (lists, cursors, SSE replay) this long after they happened. */
        @WithDefault("30d")
        Duration events();

        /** Delivery attempts (except those of a pending delivery) and dead letters (from deadAt) are kept this long. */
        @WithDefault("30d")
        Duration deliveries();

        /** How often each instance removes what has expired; the contract allows a minute at most. */
        @WithDefault("30s")
        Duration interval();

        /** Rows removed per statement: each batch holds its locks only for a moment. */
        @WithDefault("1000")
        int batchSize();
    }

    interface Limits {
        /** Largest {@code data} of one event, serialized (larger: 413). */
        @WithDefault("262144")
        int eventBytes();

        /** Largest JSON Schema the registry accepts (larger: 413). */
        @WithDefault("65536")
        int schemaBytes();

        /** Subscriptions one account may have (more: 409). */
        @WithDefault("100")
        int subscriptionsPerAccount();

        /** Concurrent SSE streams of one key (more: 429). */
        @WithDefault("50")
        int streamsPerKey();

        /** Concurrent SSE streams on one instance (more: 503 with Retry-After, so clients go to another replica). */
        @WithDefault("20000")
        int streamsPerInstance();

        /**
         * Requests one instance lets wait for a database connection; more are answered 503 with Retry-After,
         * so that a burst (or clients that give up and come back) cannot queue work without bound.
         */
        @WithDefault("1000")
        int databaseWaitQueue();

        /** A page of a list stops before its items add up to more than this (the first item always fits). */
        @WithDefault("1048576")
        int pageBytes();
    }

    interface Portal {
        /** How long a portal link (POST /accounts/{id}/portal-links) may wait to be opened; it works once. */
        @WithDefault("15m")
        Duration linkTtl();
    }

    interface Benchmark {
        /** Serves POST /benchmark/ingest-ceiling, the ingest benchmark's framework baseline (never in production). */
        @WithDefault("false")
        boolean ingestCeiling();
    }
}

package dev.tidings.webhook.subscription;

import dev.tidings.config.EventsConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.WorkerExecutor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Applies {@link TargetUrlPolicy} with name resolution: every address a host resolves to must be
 * allowed, and the caller connects to the address that was checked, so DNS cannot change in between.
 * Look-ups run in parallel on threads of their own, each bounded by {@code events.webhooks.dns-timeout}:
 * a host whose DNS never answers delays nobody else.
 */
@ApplicationScoped
public class TargetResolver {

    /** Look-ups at once; one that never answers holds its thread until the system resolver gives up. */
    private static final int LOOKUP_THREADS = 16;

    private final TargetUrlPolicy policy;
    private final HostResolver hosts;
    private final WorkerExecutor lookups;
    private final Duration dnsTimeout;

    public TargetResolver(EventsConfig config, Vertx vertx, HostResolver hosts) {
        this.policy = new TargetUrlPolicy(config.webhooks().allowHttp(), config.webhooks().allowPrivateTargets());
        this.hosts = hosts;
        this.dnsTimeout = config.webhooks().dnsTimeout();
        this.lookups = vertx.createSharedWorkerExecutor("tidings-dns", LOOKUP_THREADS);
    }

    /** A checked target: the URL and the address to connect to. */
    public record ResolvedTarget(TargetUrlPolicy.Target target, InetAddress address) {
    }

    /** Fails with {@link RefusedTarget} when the URL or any address of its host is refused. */
    public Uni<ResolvedTarget> resolve(String url) {
        TargetUrlPolicy.Target target;
        try {
            target = policy.parse(url);
        } catch (RefusedTarget refused) {
            return Uni.createFrom().failure(refused);
        }
        if (target.literal().isPresent()) {
            return Uni.createFrom().item(new ResolvedTarget(target, target.literal().get()));
        }
        // The JDK resolver blocks: off the event loop, unordered, so look-ups do not wait for each other.
        return lookups.executeBlocking(Uni.createFrom().item(() -> lookup(target.host())), false)
                .ifNoItem().after(dnsTimeout).failWith(() -> new RefusedTarget("has a host name that did not resolve within "
                        + dnsTimeout.toMillis() + " ms (" + target.host() + ")"))
                .map(addresses -> {
                    for (InetAddress address : addresses) {
                        policy.check(address);
                    }
                    return new ResolvedTarget(target, addresses[0]);
                });
    }

    @PreDestroy
    void close() {
        lookups.closeAndForget();
    }

    private InetAddress[] lookup(String host) {
        try {
            return hosts.lookup(host);
        } catch (UnknownHostException e) {
            throw new RefusedTarget("has a host name that does not resolve (" + host + ")");
        }
    }
}

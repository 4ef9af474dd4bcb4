package dev.tidings.webhook.subscription;

import dev.tidings.config.EventsConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Applies {@link TargetUrlPolicy} with name resolution: every address a host resolves to must be
 * allowed, and the caller connects to the address that was checked, so DNS cannot change in between.
 */
@ApplicationScoped
public class TargetResolver {

    private final TargetUrlPolicy policy;
    private final Vertx vertx;
    private final HostResolver hosts;

    public TargetResolver(EventsConfig config, Vertx vertx, HostResolver hosts) {
        this.policy = new TargetUrlPolicy(config.webhooks().allowHttp(), config.webhooks().allowPrivateTargets());
        this.vertx = vertx;
        this.hosts = hosts;
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
        // The JDK resolver blocks: run it off the event loop.
        return vertx.executeBlocking(Uni.createFrom().item(() -> lookup(target.host())))
                .map(addresses -> {
                    for (InetAddress address : addresses) {
                        policy.check(address);
                    }
                    return new ResolvedTarget(target, addresses[0]);
                });
    }

    private InetAddress[] lookup(String host) {
        try {
            return hosts.lookup(host);
        } catch (UnknownHostException e) {
            throw new RefusedTarget("has a host name that does not resolve (" + host + ")");
        }
    }
}

package dev.tidings.webhook.subscription;

import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Resolves webhook host names with the JDK resolver; a bean of its own so that the answer's source can be replaced. */
@ApplicationScoped
public class HostResolver {

    /** Every address of {@code host}. Blocks: call it off the event loop. */
    public InetAddress[] lookup(String host) throws UnknownHostException {
        return InetAddress.getAllByName(host);
    }
}

package dev.tidings.webhook.subscription;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A DNS whose answer for {@link #HOST} the test changes; every other name does not resolve. Enabled
 * only by the test profiles that ask for it. It answers the loopback address unless told otherwise.
 */
@Alternative
@ApplicationScoped
public class SwitchingHostResolver extends HostResolver {

    public static final String HOST = "hooks.example";
    public static final InetAddress LOOPBACK = address(127, 0, 0, 1);
    /** TEST-NET-3 (RFC 5737): allowed by the rules, routed nowhere; nothing may ever connect to it. */
    public static final InetAddress PUBLIC = address(203, 0, 113, 7);

    private volatile InetAddress answer = LOOPBACK;

    public void answer(InetAddress address) {
        answer = address;
    }

    @Override
    public InetAddress[] lookup(String host) throws UnknownHostException {
        if (!HOST.equals(host)) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[]{answer};
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[]{(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.tidings.webhook.subscription;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where webhooks may go (the SSRF rules): absolute https (or http when allowed) URLs without
 * credentials, whose host is no loopback, private, shared, link-local, multicast, reserved or
 * metadata address, in any spelling. Pure: host names are resolved by the caller and each address is
 * checked here.
 */
public final class TargetUrlPolicy {

    private final boolean allowHttp;
    private final boolean allowPrivateTargets;

    public TargetUrlPolicy(boolean allowHttp, boolean allowPrivateTargets) {
        this.allowHttp = allowHttp;
        this.allowPrivateTargets = allowPrivateTargets;
    }

    /** A URL that passed the syntactic rules: its host is a literal address or a name still to resolve. */
    public record Target(URI uri, String host, int port, Optional<InetAddress> literal) {
    }

    /** Checks everything but name resolution; throws {@link RefusedTarget} with the reason. */
    public Target parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new RefusedTarget("must be an absolute URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getRawAuthority() == null) {
            throw new RefusedTarget("must be an absolute URL");
        }
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw new RefusedTarget(allowHttp ? "must use https or http" : "must use https");
        }
        if (uri.getRawUserInfo() != null || uri.getRawAuthority().contains("@")) {
            throw new RefusedTarget("must not contain credentials");
        }
        // The authority is read by hand: java.net.URI gives no host for spellings such as 127.1.
        String authority = uri.getRawAuthority();
        int portSeparator = authority.lastIndexOf(':');
        boolean hasPort = portSeparator > authority.lastIndexOf(']');
        String host = hasPort ? authority.substring(0, portSeparator) : authority;
        int port;
        try {
            port = hasPort ? Integer.parseInt(authority.substring(portSeparator + 1)) : scheme.equals("https") ? 443 : 80;
        } catch (NumberFormatException e) {
            throw new RefusedTarget("has an invalid port");
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new RefusedTarget(host.isEmpty() ? "must name a host" : "has an invalid port");
        }
        Optional<InetAddress> literal = literalAddress(host);
        literal.ifPresent(this::check);
        return new Target(uri, host, port, literal);
    }

    /** Throws {@link RefusedTarget} unless the address may be connected to. */
    public void check(InetAddress address) {
        if (!allowPrivateTargets && isRefused(address)) {
            // The address itself is not named: an answer must not tell what an internal host name resolves to.
            throw new RefusedTarget("must not point to a loopback, private, link-local or reserved address");
        }
    }

    static boolean isRefused(InetAddress address) {
        byte[] a = address.getAddress();
        if (address instanceof Inet4Address) {
            return isRefusedIpv4(a);
        }
        if (address instanceof Inet6Address) {
            return isRefusedIpv6(a);
        }
        return true;
    }

    private static boolean isRefusedIpv4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        return b0 == 0 || b0 == 127 || b0 == 10
                || (b0 == 100 && b1 >= 64 && b1 <= 127)
                || (b0 == 169 && b1 == 254)
                || (b0 == 172 && b1 >= 16 && b1 <= 31)
                || (b0 == 192 && b1 == 0 && (a[2] & 0xff) == 0)   // 192.0.0.0/24 IETF protocol assignments
                || (b0 == 192 && b1 == 168)
                || (b0 == 198 && (b1 & 0xfe) == 18)             // 198.18.0.0/15 benchmarking
                || b0 >= 224;
    }

    private static boolean isRefusedIpv6(byte[] a) {
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= a[i] == 0;
        }
        boolean firstTwelveZero = firstTenZero && a[10] == 0 && a[11] == 0;
        if (firstTwelveZero) {
            // ::, ::1 and the IPv4-compatible form ::a.b.c.d
            boolean lastFourZeroButOne = a[12] == 0 && a[13] == 0 && a[14] == 0 && (a[15] == 0 || a[15] == 1);
            return lastFourZeroButOne || isRefusedIpv4(tail(a));
        }
        if (firstTenZero && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff) {
            return isRefusedIpv4(tail(a)); // IPv4-mapped ::ffff:a.b.c.d
        }
        if (a[0] == 0x00 && a[1] == 0x64 && (a[2] & 0xff) == 0xff && (a[3] & 0xff) == 0x9b && allZero(a, 4, 12)) {
            return isRefusedIpv4(tail(a)); // NAT64 64:ff9b::/96
        }
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        int b2 = a[2] & 0xff;
        int b3 = a[3] & 0xff;
        return (b0 == 0x20 && b1 == 0x02)            // 2002::/16 6to4: tunnels to any IPv4 address
                || (b0 == 0x20 && b1 == 0x01 && b2 == 0 && b3 == 0) // 2001::/32 Teredo
                || (b0 == 0 && b1 == 0x64 && b2 == 0xff && b3 == 0x9b && a[4] == 0 && a[5] == 1) // 64:ff9b:1::/48 local NAT64
                || (b0 & 0xfe) == 0xfc                // fc00::/7 unique local
                || (b0 == 0xfe && (b1 & 0xc0) == 0x80)  // fe80::/10 link-local
                || (b0 == 0xfe && (b1 & 0xc0) == 0xc0)  // fec0::/10 site-local
                || b0 == 0xff;                          // ff00::/8 multicast
    }

    private static boolean allZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] tail(byte[] a) {
        return new byte[]{a[12], a[13], a[14], a[15]};
    }

    /**
     * The address a host denotes without DNS: IPv6 literals, and IPv4 in every spelling that resolvers
     * accept (inet_aton): {@code 127.1}, {@code 2130706433}, {@code 0x7f000001}, {@code 0177.0.0.1}.
     */
    static Optional<InetAddress> literalAddress(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            if (h.contains(":")) {
                return Optional.of(InetAddress.getByName(h));
            }
            return ipv4(h).map(bytes -> {
                try {
                    return InetAddress.getByAddress(bytes);
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (UnknownHostException e) {
            throw new RefusedTarget("has an invalid address");
        }
    }

    private static Optional<byte[]> ipv4(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String[] parts = h.split("\\.", -1);
        if (parts.length < 1 || parts.length > 4) {
            return Optional.empty();
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Optional<Long> value = number(parts[i]);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            values[i] = value.get();
        }
        long address = 0;
        int n = values.length;
        for (int i = 0; i < n - 1; i++) {
            if (values[i] > 0xff) {
                return Optional.empty();
            }
            address |= values[i] << (8 * (3 - i));
        }
        long last = values[n - 1];
        if (last >= 1L << (8 * (5 - n))) {
            return Optional.empty();
        }
        address |= last;
        return Optional.of(new byte[]{(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
    }

    private static Optional<Long> number(String part) {
        try {
            if (part.isEmpty()) {
                return Optional.empty();
            }
            String lower = part.toLowerCase(Locale.ROOT);
            if (lower.startsWith("0x")) {
                return lower.length() == 2 ? Optional.of(0L) : Optional.of(Long.parseLong(lower.substring(2), 16));
            }
            if (lower.length() > 1 && lower.startsWith("0")) {
                return Optional.of(Long.parseLong(lower.substring(1), 8));
            }
            return Optional.of(Long.parseLong(lower));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}

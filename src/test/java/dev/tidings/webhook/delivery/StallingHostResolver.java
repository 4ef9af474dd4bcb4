package dev.tidings.webhook.delivery;

import dev.tidings.webhook.subscription.HostResolver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A DNS for two names, both on 127.0.0.1: {@link #HEALTHY} always answers at once, {@link #STALLING}
 * stops answering when told to (each look-up then hangs for {@link #HANG}, as a resolver whose server
 * never replies does). Every other name does not resolve. Enabled only by the profiles that ask for it.
 */
@Alternative
@ApplicationScoped
public class StallingHostResolver extends HostResolver {

    public static final String HEALTHY = "healthy.example";
    public static final String STALLING = "stalling.example";
    static final Duration HANG = Duration.ofSeconds(20);

    private volatile CountDownLatch released = new CountDownLatch(0);

    /** From now on look-ups of {@link #STALLING} hang (until {@link #answerAgain}). */
    public void stall() {
        released = new CountDownLatch(1);
    }

    public void answerAgain() {
        released.countDown();
    }

    @Override
    public InetAddress[] lookup(String host) throws UnknownHostException {
        if (STALLING.equals(host)) {
            try {
                released.await(HANG.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (!HEALTHY.equals(host)) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[]{InetAddress.getLoopbackAddress()};
    }
}

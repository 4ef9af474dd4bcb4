package dev.tidings.background;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The lifecycle of a background loop (relay, delivery worker, live feed): {@link #start} on startup,
 * {@link #wake} when there may be work, {@link #stop} on shutdown. Each wake-up runs a drain (work until
 * nothing is left), never two at once in this process; a wake-up during a run makes the run go once
 * more, so none is lost. A poll wakes it regularly as well, for work that no wake-up announced.
 */
public final class BackgroundLoop {

    private static final Logger LOG = Logger.getLogger(BackgroundLoop.class);
    private static final Duration IDLE_CHECK = Duration.ofMillis(20);
    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int RUNNING_AND_WOKEN = 2;

    private final String name;
    private final Supplier<Uni<Void>> drain;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private volatile boolean stopped;
    private volatile Cancellable poll;

    public BackgroundLoop(String name, Supplier<Uni<Void>> drain) {
        this.name = name;
        this.drain = drain;
    }

    /** Runs a drain every {@code pollInterval} from now on, and whenever woken. */
    public void start(Duration pollInterval) {
        poll = Multi.createFrom().ticks().every(pollInterval).onOverflow().drop().subscribe().with(tick -> wake());
    }

    public void wake() {
        if (stopped) {
            return;
        }
        if (state.getAndUpdate(s -> s == IDLE ? RUNNING : RUNNING_AND_WOKEN) == IDLE) {
            run();
        }
    }

    public boolean isStopped() {
        return stopped;
    }

    /**
     * For a graceful shutdown: no new run starts, and the caller waits (on the shutdown thread, never an
     * event loop) until the current run ends or {@code patience} runs out. Answers whether it ended.
     */
    public boolean stop(Duration patience) {
        stopped = true;
        Cancellable ticks = poll;
        if (ticks != null) {
            ticks.cancel();
        }
        Instant deadline = Instant.now().plus(patience);
        while (state.get() != IDLE && Instant.now().isBefore(deadline)) {
            LockSupport.parkNanos(IDLE_CHECK.toNanos());
        }
        return state.get() == IDLE;
    }

    private void run() {
        Uni.createFrom().deferred(drain::get).subscribe().with(
                ignored -> afterRun(),
                failure -> {
                    LOG.warnf("%s failed, will retry: %s", name, failure.toString());
                    afterRun();
                });
    }

    private void afterRun() {
        if (stopped) {
            state.set(IDLE);
            return;
        }
        if (!state.compareAndSet(RUNNING, IDLE)) {
            state.set(RUNNING);
            run();
        }
    }
}

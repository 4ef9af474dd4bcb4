package dev.tidings.background;

import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Runs a drain (work until nothing is left) whenever it is woken, never two at once in this process.
 * A wake-up during a run makes the run go once more, so no wake-up is lost.
 */
public final class DrainLoop {

    private static final Logger LOG = Logger.getLogger(DrainLoop.class);
    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int RUNNING_AND_WOKEN = 2;

    private final String name;
    private final Supplier<Uni<Void>> drain;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private volatile boolean stopped;

    public DrainLoop(String name, Supplier<Uni<Void>> drain) {
        this.name = name;
        this.drain = drain;
    }

    public void wake() {
        if (stopped) {
            return;
        }
        if (state.getAndUpdate(s -> s == IDLE ? RUNNING : RUNNING_AND_WOKEN) == IDLE) {
            run();
        }
    }

    private void run() {
        Uni.createFrom().deferred(drain::get).subscribe().with(
                ignored -> afterRun(),
                failure -> {
                    LOG.warnf("%s failed, will retry: %s", name, failure.toString());
                    afterRun();
                });
    }

    public boolean isStopped() {
        return stopped;
    }

    /**
     * For a graceful shutdown: no new run starts, and the caller waits (on the shutdown thread, never an
     * event loop) until the current run ends or {@code patience} runs out. Answers whether it ended.
     */
    public boolean stopAndAwaitIdle(Duration patience) {
        stopped = true;
        Instant deadline = Instant.now().plus(patience);
        while (state.get() != IDLE && Instant.now().isBefore(deadline)) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        return state.get() == IDLE;
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

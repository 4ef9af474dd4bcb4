package dev.tidings.background;

import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicInteger;
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

    public DrainLoop(String name, Supplier<Uni<Void>> drain) {
        this.name = name;
        this.drain = drain;
    }

    public void wake() {
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

    private void afterRun() {
        if (!state.compareAndSet(RUNNING, IDLE)) {
            state.set(RUNNING);
            run();
        }
    }
}

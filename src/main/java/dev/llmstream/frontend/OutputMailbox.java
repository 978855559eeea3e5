package dev.llmstream.frontend;

import dev.llmstream.engine.EngineListener;
import dev.llmstream.engine.EngineOutput;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * Hands a request's engine outputs from the engine thread to the request's own thread (its Vert.x
 * event loop) with at most one hop per drain: the engine thread only appends to a lock-free queue,
 * and schedules a drain on {@code hop} only when none is pending. Everything that arrives before the
 * drain runs — several engine steps, several choices — is handled by that one drain, so a busy
 * event loop receives bigger batches instead of more tasks, and the engine never waits.
 *
 * <p>A consumer that cannot take output (a slow client) simply does not drain; the engine keeps
 * appending, no further hop is scheduled until the consumer calls {@link #drain} again.
 */
public final class OutputMailbox {
    private record Item(int choice, EngineOutput output) {}

    private final Queue<Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor hop;
    private final Runnable onReady;

    /**
     * @param hop     runs tasks on the consumer's thread (e.g. a Vert.x context's runOnContext)
     * @param onReady the consumer's drain task, run on {@code hop}
     */
    public OutputMailbox(Executor hop, Runnable onReady) {
        this.hop = hop;
        this.onReady = onReady;
    }

    /** The engine listener for choice {@code index}; runs on the engine thread, never blocks. */
    public EngineListener listener(int index) {
        return output -> post(index, output);
    }

    void post(int choice, EngineOutput output) {
        queue.add(new Item(choice, output));
        if (scheduled.compareAndSet(false, true)) {
            hop.execute(onReady);
        }
    }

    /**
     * Consumer side: passes every queued output to {@code sink} in arrival order. The pending flag is
     * cleared before polling, so an output that lands during the drain either is seen by this loop
     * or schedules exactly one new hop.
     *
     * @return the number of outputs drained
     */
    public int drain(BiConsumer<Integer, EngineOutput> sink) {
        scheduled.set(false);
        int n = 0;
        Item item;
        while ((item = queue.poll()) != null) {
            sink.accept(item.choice(), item.output());
            n++;
        }
        return n;
    }

    /** True if outputs are waiting to be drained. */
    public boolean hasPending() {
        return !queue.isEmpty();
    }
}

package dev.llmstream.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Test listener for any engine: records outputs in arrival order and the thread that delivered them. */
public final class RecordingListener implements EngineListener {
    private final List<EngineOutput> outputs = new ArrayList<>();
    private final CompletableFuture<EngineOutput> done = new CompletableFuture<>();
    private final Consumer<EngineOutput> onEach;
    private int finals;

    public RecordingListener() {
        this(o -> { });
    }

    public RecordingListener(Consumer<EngineOutput> onEach) {
        this.onEach = onEach;
    }

    @Override
    public synchronized void onOutput(EngineOutput output) {
        outputs.add(output);
        onEach.accept(output);
        if (output.finished()) {
            finals++;
            done.complete(output);
        }
    }

    public EngineOutput await() throws Exception {
        return done.get(120, TimeUnit.SECONDS);
    }

    public boolean isDone() {
        return done.isDone();
    }

    public synchronized List<EngineOutput> outputs() {
        return List.copyOf(outputs);
    }

    public synchronized int finals() {
        return finals;
    }

    public synchronized int[] tokens() {
        return outputs.stream().flatMapToInt(o -> Arrays.stream(o.tokens())).toArray();
    }
}

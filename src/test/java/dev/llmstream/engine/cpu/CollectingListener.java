package dev.llmstream.engine.cpu;

import dev.llmstream.engine.EngineListener;
import dev.llmstream.engine.EngineOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Test listener: records every output and completes when the final one arrives. */
final class CollectingListener implements EngineListener {
    final List<EngineOutput> outputs = new ArrayList<>();
    final CompletableFuture<EngineOutput> done = new CompletableFuture<>();

    @Override
    public synchronized void onOutput(EngineOutput output) {
        outputs.add(output);
        if (output.finished()) {
            done.complete(output);
        }
    }

    EngineOutput await() throws Exception {
        return done.get(60, TimeUnit.SECONDS);
    }

    synchronized int[] tokens() {
        return outputs.stream().flatMapToInt(o -> java.util.Arrays.stream(o.tokens())).toArray();
    }
}

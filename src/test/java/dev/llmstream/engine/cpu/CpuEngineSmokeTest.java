package dev.llmstream.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.engine.EngineOutput;
import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.testing.SharedAssets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CpuEngineSmokeTest {
    @Test
    void generatesGoldenGreedyTokensThroughTheEngineLoop() throws Exception {
        var cfg = CpuEngineConfig.of(SharedAssets.model("stories260K.gguf"), new int[] {2}).withThreads(2);
        try (CpuEngine engine = CpuEngine.start(cfg)) {
            int[] prompt = {1, 403, 407, 261, 378};
            int[] expected = {432, 383, 286, 261, 376, 298, 315, 421, 395, 317};
            CollectingListener l = new CollectingListener();
            engine.submit(EngineRequest.greedy("r1", prompt, 10), l);
            EngineOutput last = l.await();
            assertThat(last.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(l.tokens()).containsExactly(expected);
            assertThat(last.metrics().outputTokens()).isEqualTo(10);
            assertThat(last.metrics().ttftNanos()).isPositive();
            dev.llmstream.engine.EngineTestSupport.awaitIdle(engine);
            System.out.println("stats " + engine.stats() + " tokens " + Arrays.toString(l.tokens()));
        }
    }
}

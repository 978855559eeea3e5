package dev.llmstream.engine.cpu.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.engine.cpu.compute.ComputePool;
import dev.llmstream.engine.cpu.kv.KvStorage;
import dev.llmstream.engine.cpu.tensor.Numerics;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.model.ModelShape;
import dev.llmstream.model.ModelSynthesizer;
import dev.llmstream.model.SynthOptions;
import dev.llmstream.model.WeightType;
import dev.llmstream.util.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The KV cache's block size and where a sequence's blocks lie do not change a single bit of the logits: attention
 * reads a staged float copy of one head's history ({@link KvStorage#stage}), gathered from blocks of 16 in order or
 * reversed, of 32, or of sizes that are no multiple of 16 (slot by slot). A synthetic model with 64-dim heads, so
 * every vector path runs: a 70-token prompt (tiled attention in exact numerics) and decode steps, in both numerics.
 */
class ForwardPassBlockSizeTest {
    private static final int PROMPT = 70;
    private static final int DECODES = 3;

    @ParameterizedTest
    @EnumSource(Numerics.class)
    void logitsDoNotDependOnTheBlockSizeOrWhereTheBlocksLie(Numerics numerics, @TempDir Path dir) throws Exception {
        ModelShape shape = new ModelShape("heads64", "llama", 256, 2, 4, 2, 64, 512, 2048, 2048, 10_000f, 1e-5f, true,
                Optional.empty());
        Path file = dir.resolve("heads64.gguf");
        ModelSynthesizer.synthesize(SynthOptions.of(shape, WeightType.Q8_0, 3), file, Progress.Mode.SILENT);
        try (GgufFile f = GgufFile.open(file); ComputePool pool = new ComputePool(2, "block-size-test")) {
            ModelConfig c = ModelConfig.from(f);
            ModelWeights w = ModelWeights.load(f, c, numerics);
            List<float[]> reference = run(w, c, pool, 16, false);
            for (int blockSize : new int[] {16, 32, 8, 5}) {
                List<float[]> got = run(w, c, pool, blockSize, true);
                for (int step = 0; step < reference.size(); step++) {
                    assertThat(got.get(step)).as("%s, blocks of %d, reversed, step %d", numerics, blockSize, step)
                            .containsExactly(reference.get(step));
                }
            }
        }
    }

    /** The prompt, then {@link #DECODES} decode steps feeding back the argmax; the logits of every step. */
    private static List<float[]> run(ModelWeights w, ModelConfig c, ComputePool pool, int blockSize, boolean reversed) {
        int positions = PROMPT + DECODES;
        int blocks = (positions + blockSize - 1) / blockSize;
        KvStorage kv = new KvStorage(c.nLayer(), blocks + 3, blockSize, c.kvDim(), c.headDim());
        int[] table = new int[blocks];
        for (int b = 0; b < blocks; b++) {
            table[b] = reversed ? blocks + 2 - b : b;
        }
        ForwardPass fp = new ForwardPass(w, kv, pool, 128, 1);
        ForwardBatch batch = new ForwardBatch(128, 1);
        List<float[]> logits = new ArrayList<>();
        batch.clear();
        int s = batch.addSequence(table, PROMPT);
        for (int i = 0; i < PROMPT; i++) {
            batch.addToken(s, 7 + (i * 37) % 1500, i, i == PROMPT - 1);
        }
        logits.add(java.util.Arrays.copyOf(fp.forward(batch), c.vocabSize()));
        for (int d = 0; d < DECODES; d++) {
            float[] last = logits.get(logits.size() - 1);
            batch.clear();
            s = batch.addSequence(table, PROMPT);
            batch.addToken(s, argmax(last, c.vocabSize()), PROMPT + d, true);
            logits.add(java.util.Arrays.copyOf(fp.forward(batch), c.vocabSize()));
        }
        return logits;
    }

    private static int argmax(float[] row, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}

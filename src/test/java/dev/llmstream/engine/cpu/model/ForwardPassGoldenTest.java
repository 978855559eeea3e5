package dev.llmstream.engine.cpu.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.engine.cpu.compute.ComputePool;
import dev.llmstream.engine.cpu.kv.KvStorage;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.testing.SharedAssets;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward pass against llama.cpp's golden outputs: first-step top-20 probabilities (softmax over
 * the full vocabulary of raw logits) within tolerance, and greedy continuations equal for at least
 * each case's reliable prefix ({@code reliable_prefix_0.05}; all 48 tokens for stories260K).
 */
class ForwardPassGoldenTest {
    private static ComputePool pool;

    @BeforeAll
    static void startPool() {
        pool = new ComputePool(2, "test-compute");
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K", "llama-2-tiny-random", "rand-llama-phi3vocab-20M-Q8_0", "rand-llama-phi3vocab-20M-Q4_0", "rand-llama-phi3vocab-20M-Q4_K_M"})
    void matchesGolden(String model) throws IOException {
        String file = model.startsWith("rand") || model.startsWith("llama-2") ? "random/" + model + ".gguf" : model + ".gguf";
        List<GoldenCase> cases = GoldenCase.load(SharedAssets.golden(model + ".json"));
        double tol = model.equals("stories260K") ? 1e-4 : 1e-3;
        try (GgufFile gguf = GgufFile.open(SharedAssets.model(file))) {
            ModelConfig cfg = ModelConfig.from(gguf);
            ModelWeights w = ModelWeights.load(gguf, cfg);
            int passed = 0;
            for (GoldenCase gc : cases) {
                int total = gc.promptIds().length + gc.outputIds().length;
                int blockSize = 16;
                int blocks = (total + blockSize - 1) / blockSize;
                KvStorage kv = new KvStorage(cfg.nLayer(), blocks, blockSize, cfg.kvDim(), cfg.headDim());
                ForwardPass fp = new ForwardPass(w, kv, pool, Math.max(total, 8), 1);
                int[] table = new int[blocks];
                for (int i = 0; i < blocks; i++) {
                    table[i] = i;
                }
                ForwardBatch b = new ForwardBatch(Math.max(total, 8), 1);
                int s = b.addSequence(table, gc.promptIds().length);
                int[] p = gc.promptIds();
                for (int i = 0; i < p.length; i++) {
                    b.addToken(s, p[i], i, i == p.length - 1);
                }
                float[] logits = fp.forward(b);
                double[] probs = softmax(logits, cfg.vocabSize());
                double maxErr = 0;
                for (int j = 0; j < gc.topIds().length; j++) {
                    maxErr = Math.max(maxErr, Math.abs(probs[gc.topIds()[j]] - gc.topProbs()[j]));
                }
                System.out.printf("%s %s: max first-step prob error %.2e%n", model, gc.id(), maxErr);
                for (int j = 0; j < gc.topIds().length; j++) {
                    assertThat(probs[gc.topIds()[j]]).as("%s %s first-step p(%d)", model, gc.id(), gc.topIds()[j])
                            .isCloseTo(gc.topProbs()[j], org.assertj.core.data.Offset.offset(tol));
                }
                int pos = p.length;
                int next = argmax(logits, cfg.vocabSize());
                int matched = 0;
                for (int step = 0; step < gc.outputIds().length; step++) {
                    if (next != gc.outputIds()[step]) {
                        break;
                    }
                    matched++;
                    if (step + 1 == gc.outputIds().length) {
                        break;
                    }
                    b.clear();
                    s = b.addSequence(table, gc.promptIds().length);
                    b.addToken(s, next, pos++, true);
                    next = argmax(fp.forward(b), cfg.vocabSize());
                }
                System.out.printf("%s %s: %d/%d greedy tokens match (reliable prefix %d)%n", model, gc.id(), matched,
                        gc.outputIds().length, gc.reliablePrefix005());
                assertThat(matched).as("%s %s greedy prefix", model, gc.id())
                        .isGreaterThanOrEqualTo(gc.reliablePrefix005());
                passed++;
            }
            System.out.printf("%s: %d/%d golden cases passed%n", model, passed, cases.size());
        }
    }

    static int argmax(float[] logits, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    static double[] softmax(float[] logits, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }
}

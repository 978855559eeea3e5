package dev.llmstream.engine.cpu.model.bench;

import dev.llmstream.engine.cpu.compute.ComputePool;
import dev.llmstream.engine.cpu.kv.KvStorage;
import dev.llmstream.engine.cpu.model.ForwardBatch;
import dev.llmstream.engine.cpu.model.ForwardPass;
import dev.llmstream.engine.cpu.model.ModelConfig;
import dev.llmstream.engine.cpu.model.ModelWeights;
import dev.llmstream.engine.cpu.tensor.Numerics;
import dev.llmstream.gguf.GgufFile;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One forward step of {@code sequences} sequences, each {@code tokens} consecutive tokens after {@code ctx} tokens
 * of context, every token asking for logits. One sequence: the shape of a speculative verify step
 * ({@code tokens} = 1 + k), and with {@code tokens} = 1 of a decode step at that context; many sequences of one
 * token: a continuous-batching decode step. Uses the engine's compute pool ({@code threads}). Needs a real model
 * file: {@code -p model=/path/to.gguf} (e.g. {@code model synth --shape smollm2-360m}).
 *
 * <pre>
 *   loadtest/jmh.sh ForwardStepBench -p model=/tmp/models/smollm2-360m-q8_0.gguf -p ctx=600 -p tokens=1,4,6
 *   loadtest/jmh.sh ForwardStepBench -p model=/tmp/models/smollm2-360m-q8_0.gguf -p ctx=64 -p tokens=1 \
 *       -p sequences=16 -p numerics=EXACT,FAST
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xms2g", "-Xmx2g"})
public class ForwardStepBench {
    @Param("")
    public String model;
    @Param("600")
    public int ctx;
    @Param({"1", "2", "4", "6", "8", "16"})
    public int tokens;
    @Param("1")
    public int sequences;
    @Param("2")
    public int threads;
    @Param("EXACT")
    public Numerics numerics;

    private GgufFile file;
    private ComputePool pool;
    private ForwardPass forward;
    private ForwardBatch batch;
    private int[][] tables;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (model.isEmpty()) {
            throw new IllegalArgumentException("pass -p model=/path/to/model.gguf");
        }
        file = GgufFile.open(Path.of(model));
        ModelConfig c = ModelConfig.from(file);
        ModelWeights w = ModelWeights.load(file, c, numerics);
        pool = new ComputePool(threads, "bench");
        int blocks = (ctx + tokens + 15) / 16;
        KvStorage kv = new KvStorage(c.nLayer(), blocks * sequences, 16, c.kvDim(), c.headDim());
        int chunk = 256;
        int stepTokens = sequences * tokens;
        forward = new ForwardPass(w, kv, pool, Math.max(chunk, stepTokens), stepTokens);
        batch = new ForwardBatch(Math.max(chunk, stepTokens), Math.max(1, sequences));
        tables = new int[sequences][blocks];
        for (int q = 0; q < sequences; q++) {
            for (int i = 0; i < blocks; i++) {
                tables[q][i] = q * blocks + i;
            }
            // the context, prefilled in chunks (its logits are not needed); each sequence its own tokens
            for (int c0 = 0; c0 < ctx; c0 += chunk) {
                int n = Math.min(chunk, ctx - c0);
                batch.clear();
                int s = batch.addSequence(tables[q], ctx);
                for (int i = 0; i < n; i++) {
                    batch.addToken(s, 100 + (c0 + i + 37 * q) % 1000, c0 + i, i == n - 1);
                }
                forward.forward(batch);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        file.close();
    }

    @Benchmark
    public float step() {
        batch.clear();
        for (int q = 0; q < sequences; q++) {
            int s = batch.addSequence(tables[q], ctx);
            for (int i = 0; i < tokens; i++) {
                batch.addToken(s, 200 + i + q, ctx + i, true);
            }
        }
        return forward.forward(batch)[0];
    }
}

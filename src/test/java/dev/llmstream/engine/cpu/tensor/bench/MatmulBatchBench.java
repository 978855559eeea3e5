package dev.llmstream.engine.cpu.tensor.bench;

import dev.llmstream.engine.cpu.tensor.ActivationQuantizer;
import dev.llmstream.engine.cpu.tensor.MatmulMode;
import dev.llmstream.engine.cpu.tensor.Numerics;
import dev.llmstream.engine.cpu.tensor.PreparedInput;
import dev.llmstream.engine.cpu.tensor.WeightMatrix;
import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
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
 * Batched matmul (prefill / continuous batching): {@code tokens} activations against a whole matrix,
 * single thread. {@code tokens = 4} already takes the strip path. The {@code flops} counter
 * ({@code 2·rows·cols·tokens} per call) is reported as a rate: divide by 1e9 for GFLOP/s. Weights
 * rotate through {@code footprintMiB} as in {@link MatmulDecodeBench}. Run through
 * {@code loadtest/jmh.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g"})
public class MatmulBatchBench {
    @Param({"Q8_0", "Q4_0", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K", "F16", "BF16", "F32"})
    public String type;
    @Param({"4", "16", "64", "512"})
    public int tokens;
    @Param("2560")
    public int rows;
    /** EXACT or FAST ({@link Numerics}; FAST changes only Q8_0). */
    @Param("EXACT")
    public String numerics;
    @Param("1024")
    public int cols;
    @Param("512")
    public int footprintMiB;

    private Arena arena;
    private WeightMatrix[] matrices;
    private float[] x;
    private final PreparedInput input = new PreparedInput();
    private float[] out;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        matrices = BenchWeights.build(arena, GgmlType.valueOf(type), rows, cols, footprintMiB,
                Numerics.valueOf(numerics));
        SplittableRandom rnd = new SplittableRandom(1);
        x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        out = new float[tokens * rows];
        // activations prepared once (as the forward pass does once per group of matmuls), as the prompt
        // of a sequence of `tokens` tokens would be: llama.cpp's batch paths
        byte[] modes = new byte[tokens];
        for (int t = 0; t < tokens; t++) {
            modes[t] = MatmulMode.of(t, tokens);
        }
        ActivationQuantizer.prepare(matrices[0].activationFormat(), x, tokens, cols, modes, input);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float batch(MatmulDecodeBench.Work work, MatmulDecodeBench.Cpu cpu) {
        WeightMatrix m = matrices[next];
        next = next + 1 == matrices.length ? 0 : next + 1;
        long t0 = MatmulDecodeBench.Cpu.now();
        m.matmul(input, out, rows, 0, rows);
        long flops = 2L * rows * cols * tokens;
        cpu.add(t0, m.byteSize(), flops);
        work.weightBytes += m.byteSize();
        work.flops += flops;
        return out[0];
    }
}

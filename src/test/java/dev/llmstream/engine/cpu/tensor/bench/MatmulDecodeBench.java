package dev.llmstream.engine.cpu.tensor.bench;

import dev.llmstream.engine.cpu.tensor.WeightMatrix;
import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Decode: one token against a whole matrix, single thread (the fused kernels). Each call takes the next
 * of many matrices, so weights stream from memory as in a real decode step. The {@code weightBytes}
 * counter is reported as a rate: bytes of weights per second (divide by 1e9 for GB/s).
 *
 * <p>Default shape 2560 × 1024 (SmolLM2-360M's FFN is 2560 × 960; 1024 is a whole number of K-quant
 * super-blocks). Run through {@code loadtest/jmh.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g"})
public class MatmulDecodeBench {
    @Param({"Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K", "F16", "BF16", "F32"})
    public String type;
    @Param("2560")
    public int rows;
    @Param("1024")
    public int cols;
    @Param("512")
    public int footprintMiB;

    private Arena arena;
    private WeightMatrix[] matrices;
    private float[] x;
    private float[] out;
    private int next;

    /** Per-iteration totals, reported by JMH as rates. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Work {
        public long weightBytes;
        public long flops;

        @Setup(Level.Iteration)
        public void reset() {
            weightBytes = 0;
            flops = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        matrices = BenchWeights.build(arena, GgmlType.valueOf(type), rows, cols, footprintMiB);
        SplittableRandom rnd = new SplittableRandom(1);
        x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        out = new float[rows];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float decode(Work work) {
        WeightMatrix m = matrices[next];
        next = next + 1 == matrices.length ? 0 : next + 1;
        m.matmul(x, 1, out, rows, 0, rows);
        work.weightBytes += m.byteSize();
        work.flops += 2L * rows * cols;
        return out[0];
    }
}

package dev.llmstream.engine.cpu.tensor.bench;

import dev.llmstream.engine.cpu.tensor.ActivationQuantizer;
import dev.llmstream.engine.cpu.tensor.MatmulMode;
import dev.llmstream.engine.cpu.tensor.Numerics;
import dev.llmstream.engine.cpu.tensor.PreparedInput;
import dev.llmstream.engine.cpu.tensor.WeightMatrix;
import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
    @Param({"Q8_0", "Q4_0", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K", "F16", "BF16", "F32"})
    public String type;
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

    /**
     * Per-iteration totals. {@code weightBytes} and {@code flops} are reported by JMH as rates per
     * wall-clock second. {@code cpuNanos} is the benchmark thread's CPU time spent in the kernel: on a
     * machine shared with other work the thread is often descheduled, so {@code loadtest/jmh.sh} also
     * prints bytes and flops per CPU second ({@code cpuWeightBytes / cpuNanos}, {@code cpuFlops /
     * cpuNanos}), which estimates what an unloaded core does.
     */
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

    /** Totals per iteration (not rates), see {@link Work}. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Cpu {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        public long cpuNanos;
        public long cpuWeightBytes;
        public long cpuFlops;

        @Setup(Level.Iteration)
        public void reset() {
            cpuNanos = 0;
            cpuWeightBytes = 0;
            cpuFlops = 0;
        }

        static long now() {
            return THREADS.getCurrentThreadCpuTime();
        }

        void add(long startCpu, long bytes, long flops) {
            cpuNanos += now() - startCpu;
            cpuWeightBytes += bytes;
            cpuFlops += flops;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        matrices = BenchWeights.build(arena, GgmlType.valueOf(type), rows, cols, footprintMiB,
                Numerics.valueOf(numerics));
        SplittableRandom rnd = new SplittableRandom(1);
        x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        out = new float[rows];
        // activations prepared once (as the forward pass does once per group of matmuls); one decode token
        ActivationQuantizer.prepare(matrices[0].activationFormat(), x, 1, cols, new byte[] {MatmulMode.SINGLE},
                input);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float decode(Work work, Cpu cpu) {
        WeightMatrix m = matrices[next];
        next = next + 1 == matrices.length ? 0 : next + 1;
        long t0 = Cpu.now();
        m.matmul(input, out, rows, 0, rows);
        long flops = 2L * rows * cols;
        cpu.add(t0, m.byteSize(), flops);
        work.weightBytes += m.byteSize();
        work.flops += flops;
        return out[0];
    }
}

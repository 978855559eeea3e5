package dev.llmstream.engine.cpu.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Once C2 has compiled them, the kernels allocate nothing per call (the engine calls matmul hundreds
 * of times per token). This guards against vector boxing: when a kernel outgrows C2's inlining budget,
 * or a helper taking or returning a vector is not inlined, or a vector is picked by a condition C2
 * cannot fold, every such vector becomes a heap object — still correct, but 5 to 20 times slower
 * (all of these happened while tuning). The test repeats calls until one round allocates nothing, and
 * fails if that does not happen within the time limit.
 */
@Tag("allocation") // runs in its own JVM (pom.xml, execution allocation-tests)
class ZeroAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final long LIMIT_NANOS = 60_000_000_000L;

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void compiledMatmulAllocatesNothing(GgmlType type) {
        SplittableRandom rnd = new SplittableRandom(type.ordinal());
        int rows = 136; // a multiple of 8 (Q4_0/Q4_K repacked, as in llama.cpp): a group of 8 panels and a half
        int cols = 512;
        try (Arena arena = Arena.ofConfined()) {
            assertNoAllocation(WeightMatrices.of(type, validWeights(arena, type, rows, cols, rnd), rows, cols), rnd);
        }
    }

    /** Q8_0 with {@link Numerics#FAST}: token groups of 16, 8, 4 and single tokens ({@link DequantKernels}). */
    @org.junit.jupiter.api.Test
    void compiledFastQ8_0AllocatesNothing() {
        SplittableRandom rnd = new SplittableRandom(99);
        int rows = 136;
        int cols = 512;
        try (Arena arena = Arena.ofConfined()) {
            assertNoAllocation(WeightMatrices.of(GgmlType.Q8_0, validWeights(arena, GgmlType.Q8_0, rows, cols, rnd),
                    rows, cols, Numerics.FAST), rnd);
        }
    }

    private static void assertNoAllocation(WeightMatrix m, SplittableRandom rnd) {
        int rows = m.rows();
        int cols = m.cols();
        GgmlType type = m.type();
        {
            // one token, a multi-token run plus a pair (6), one lane-strip run (12: Q8_0/Q5_0/Q5_1), four quads plus
            // one (17; quad formats), the strip path (37); fast Q8_0: groups 8, 16, 16 + 1, 16 + 16 + 8
            for (int tokens : new int[] {1, 6, 12, 17, 37}) {
                PreparedInput x = MatrixTestSupport.prepare(m, MatrixTestSupport.randomActivations(tokens * cols, rnd),
                        tokens, MatrixTestSupport.randomModes(tokens, rnd));
                float[] out = new float[tokens * rows];
                long perCall = Long.MAX_VALUE;
                long deadline = System.nanoTime() + LIMIT_NANOS;
                while (perCall > 0 && System.nanoTime() < deadline) {
                    long before = THREADS.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 200; i++) {
                        m.matmul(x, out, rows, 0, rows);
                    }
                    perCall = (THREADS.getCurrentThreadAllocatedBytes() - before) / 200;
                }
                assertThat(perCall).as("%s, %d tokens: bytes allocated per matmul after warm-up", type, tokens)
                        .isZero();
            }
        }
    }

    /** Random blocks with finite, normal scales (random bits could be NaN/Inf or subnormal). */
    static MemorySegment validWeights(Arena arena, GgmlType type, int rows, int cols, SplittableRandom rnd) {
        return switch (type) {
            case F32 -> {
                MemorySegment seg = arena.allocate(4L * rows * cols, 64);
                for (long i = 0; i < (long) rows * cols; i++) {
                    seg.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * i, (float) rnd.nextGaussian());
                }
                yield seg;
            }
            case F16 -> F16MatrixTest.randomF16(arena, rows, cols, rnd);
            case BF16 -> BF16MatrixTest.randomBF16(arena, rows, cols, rnd);
            case Q8_0 -> Q8_0MatrixTest.randomQ8_0(arena, rows, cols, rnd);
            case Q4_0 -> Q4_0MatrixTest.randomQ4_0(arena, rows, cols, rnd);
            case Q5_0 -> Q5_0MatrixTest.randomQ5_0(arena, rows, cols, rnd);
            case Q5_1 -> Q5_1MatrixTest.randomQ5_1(arena, rows, cols, rnd);
            case Q4_K -> Q4_KMatrixTest.randomQ4_K(arena, rows, cols, rnd);
            case Q5_K -> Q5_KMatrixTest.randomQ5_K(arena, rows, cols, rnd);
            case Q6_K -> Q6_KMatrixTest.randomQ6_K(arena, rows, cols, rnd);
            default -> throw new IllegalArgumentException(type.toString());
        };
    }
}

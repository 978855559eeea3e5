package dev.llmstream.engine.cpu.tensor.bench;

import dev.llmstream.engine.cpu.tensor.Numerics;
import dev.llmstream.engine.cpu.tensor.WeightMatrices;
import dev.llmstream.engine.cpu.tensor.WeightMatrix;
import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Benchmark weights: as many random matrices of one shape as fill {@code footprintMiB} of native memory
 * (like a mapped model), visited round-robin so that each call streams its weights from DRAM rather
 * than from the 2 MiB L2 or the (large, shared) L3. Random bytes are valid quants in every format;
 * the f16/bf16/f32 values and block scales are forced into a normal range so no NaN/Inf or
 * subnormal shows up (the kernels are branch-free, so values do not change the timing otherwise).
 */
final class BenchWeights {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BenchWeights() {}

    static WeightMatrix[] build(Arena arena, GgmlType type, int rows, int cols, long footprintMiB, Numerics numerics) {
        long matrixBytes = type.byteSize((long) rows * cols);
        int count = (int) Math.max(1, (footprintMiB << 20) / matrixBytes);
        MemorySegment all = arena.allocate(matrixBytes * count, 4096);
        fill(all, type, new SplittableRandom(42));
        WeightMatrix[] out = new WeightMatrix[count];
        for (int i = 0; i < count; i++) {
            out[i] = WeightMatrices.of(type, all.asSlice(i * matrixBytes, matrixBytes), rows, cols, numerics);
        }
        return out;
    }

    private static void fill(MemorySegment seg, GgmlType type, SplittableRandom rnd) {
        long n = seg.byteSize();
        for (long i = 0; i + 8 <= n; i += 8) {
            long v = rnd.nextLong();
            v = switch (type) {
                // sign + 23 mantissa bits + low exponent bits random, exponent 120..123 (|w| ~ 2^-7..2^-4)
                case F32 -> (v & 0x81FF_FFFF_81FF_FFFFL) | 0x3C00_0000_3C00_0000L;
                // exponent 8..9 (|w| ~ 2^-7..2^-5)
                case F16 -> (v & 0x87FF_87FF_87FF_87FFL) | 0x2000_2000_2000_2000L;
                // exponent 120..121
                case BF16 -> (v & 0x80FF_80FF_80FF_80FFL) | 0x3C00_3C00_3C00_3C00L;
                default -> v;
            };
            seg.set(I64, i, v);
        }
        int[] scaleOffsets = switch (type) {
            case Q8_0, Q4_0, Q5_0 -> new int[] {0};
            case Q4_K, Q5_K, Q5_1 -> new int[] {0, 2};
            case Q6_K -> new int[] {208};
            default -> new int[0];
        };
        for (long b = 0; b < n; b += type.typeSize()) {
            for (int off : scaleOffsets) {
                seg.set(F16, b + off, (short) (0x1C00 | rnd.nextInt(0x400))); // f16 in [2^-8, 2^-7)
            }
        }
    }
}

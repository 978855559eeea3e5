package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/** Picks the {@link WeightMatrix} implementation for a ggml tensor type. */
public final class WeightMatrices {
    private WeightMatrices() {}

    /**
     * A matrix of {@code rows × cols} weights of {@code type} over {@code data} (not copied). For a GGUF
     * tensor of shape {@code [cols, rows]} pass {@code GgufFile.tensorData(info)}.
     *
     * @throws IllegalArgumentException for a type without kernels, or sizes that do not match
     */
    public static WeightMatrix of(GgmlType type, MemorySegment data, int rows, int cols) {
        return of(type, data, rows, cols, Numerics.EXACT);
    }

    /** As {@link #of(GgmlType, MemorySegment, int, int)}, with the kernels of {@code numerics} (see {@link Numerics}). */
    public static WeightMatrix of(GgmlType type, MemorySegment data, int rows, int cols, Numerics numerics) {
        if (type == GgmlType.Q8_0 && numerics == Numerics.FAST) {
            return new Q8_0FastMatrix(data, rows, cols);
        }
        return switch (type) {
            case F32 -> new F32Matrix(data, rows, cols);
            case F16 -> new F16Matrix(data, rows, cols);
            case BF16 -> new BF16Matrix(data, rows, cols);
            case Q8_0 -> new Q8_0Matrix(data, rows, cols);
            case Q4_0 -> new Q4_0Matrix(data, rows, cols);
            case Q5_0 -> new Q5_0Matrix(data, rows, cols);
            case Q5_1 -> new Q5_1Matrix(data, rows, cols);
            case Q4_K -> new Q4_KMatrix(data, rows, cols);
            case Q5_K -> new Q5_KMatrix(data, rows, cols);
            case Q6_K -> new Q6_KMatrix(data, rows, cols);
            default -> throw new IllegalArgumentException("no matmul kernels for ggml type " + type
                    + " (supported: F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K)");
        };
    }
}

package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Shared plumbing of the weight formats: the row layout over the mapped ggml blocks. Two kernel families
 * build on it: {@link PanelMatrix} (the 8-bit-activation formats Q8_0, Q4_0, Q5_0, Q5_1, Q4_K, Q6_K, computed with
 * ggml's integer partial sums) and {@link CanonicalMatrix} (float kernels: F32, F16, BF16, Q5_K).
 */
abstract class BlockMatrix implements WeightMatrix {
    static final ValueLayout.OfShort F16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    protected final MemorySegment data;
    protected final int rows;
    protected final int cols;
    protected final long rowBytes;
    private final GgmlType type;

    BlockMatrix(GgmlType type, MemorySegment data, int rows, int cols) {
        this.type = Objects.requireNonNull(type);
        this.data = Objects.requireNonNull(data);
        if (rows <= 0 || cols <= 0 || cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " matrix " + rows + " x " + cols
                    + ": cols must be a positive multiple of " + type.blockSize());
        }
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = type.byteSize(cols);
        if (data.byteSize() != rowBytes * rows) {
            throw new IllegalArgumentException(type + " matrix " + rows + " x " + cols + " needs "
                    + rowBytes * rows + " bytes, got " + data.byteSize());
        }
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public final GgmlType type() {
        return type;
    }

    @Override
    public final long byteSize() {
        return data.byteSize();
    }

    static float f16(MemorySegment seg, long offset) {
        return Float.float16ToFloat(seg.get(F16_LE, offset));
    }

    /**
     * The f16 field at {@code fieldOffset} of every block, converted once to float (exact), in block
     * order: entry {@code r * blocksPerRow + b} is block {@code b} of row {@code r}.
     *
     * <p>Why: in a fused kernel the per-block scalar {@code f16 -> f32} convert and register broadcast
     * compete for port 5 with the vector byte widening of the quants, and cost about a third of the Q8_0
     * decode throughput when the weights are in cache; a broadcast straight from a float array is a
     * plain load. The copy adds 4 bytes per block to memory traffic (12% for Q8_0), far less than it
     * saves. The scalar twins still decode the scale from the block itself.
     */
    float[] blockScales(int fieldOffset) {
        long blocks = rows * (long) (cols / type.blockSize());
        if (blocks > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(type + " matrix " + rows + " x " + cols + " has too many blocks");
        }
        float[] out = new float[(int) blocks];
        long off = fieldOffset;
        for (int i = 0; i < out.length; i++, off += type.typeSize()) {
            out[i] = f16(data, off);
        }
        return out;
    }
}

package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q8_0 (ggml {@code block_q8_0}): blocks of 32 weights in 34 bytes — an f16 scale {@code d} then 32
 * signed bytes {@code q}; {@code w = q * d}. The product of a 7-bit integer and an 11-bit-mantissa
 * scale is exact in float32, so every dequantization path yields identical weights. The vector paths
 * take {@code d} from {@link #scales} (see {@link BlockMatrix#blockScales}).
 */
public final class Q8_0Matrix extends PanelMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;
    /** Bytes holding {@code L} quants: converting them gives one float vector. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Lanes.L * 8));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** {@code d} of every block as float, row-major. */
    private final float[] scales;
    private final int blocksPerRow;

    public Q8_0Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q8_0, data, rows, cols);
        this.blocksPerRow = cols / BLOCK;
        this.scales = blockScales(0);
    }

    /*
     * Every kernel below writes its Vector API calls out instead of calling a helper that takes or
     * returns a vector: Vector API methods are force-inlined, our helpers only within C2's size and
     * node budgets, and a vector crossing a call that is not inlined is boxed on the heap (see
     * ZeroAllocationTest). Quants: ByteVector of L bytes widened by B2F (exact).
     */

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        int s = row * blocksPerRow;
        for (int b = 0; b < blocksPerRow; b++, base += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(Lanes.F, scales[s + b]);
            for (int j = 0; j < BLOCK; j += Lanes.L) {
                ((FloatVector) ByteVector.fromMemorySegment(B, data, base + 2 + j, LE).convertShape(VectorOperators.B2F, Lanes.F, 0)).mul(d).intoArray(out, off + b * BLOCK + j);
            }
        }
    }

    @Override
    float dotScalar(int r, PreparedInput x, int t) {
        return GgmlDots.q8_0Lanes(data, r * rowBytes, cols, false, x, t);
    }

    @Override
    public void dequantizeRowScalar(int row, float[] out, int off) {
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++, base += BLOCK_BYTES) {
            float d = f16(data, base);
            for (int j = 0; j < BLOCK; j++) {
                out[off + b * BLOCK + j] = data.get(ValueLayout.JAVA_BYTE, base + 2 + j) * d;
            }
        }
    }




}

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
public final class Q8_0Matrix extends BlockMatrix {
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

    private static FloatVector quants(MemorySegment seg, long offset) {
        return (FloatVector) ByteVector.fromMemorySegment(B, seg, offset, LE)
                .convertShape(VectorOperators.B2F, Lanes.F, 0);
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        long base = row * rowBytes;
        int s = row * blocksPerRow;
        for (int b = 0; b < blocksPerRow; b++, base += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(Lanes.F, scales[s + b]);
            for (int j = 0; j < BLOCK; j += Lanes.L) {
                quants(data, base + 2 + j).mul(d).intoArray(out, off + b * BLOCK + j);
            }
        }
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

    @Override
    protected float fused1(int r, float[] x, int xOff) {
        FloatVector acc = FloatVector.zero(Lanes.F);
        long base = r * rowBytes;
        int s = r * blocksPerRow;
        for (int b = 0, k = xOff; b < blocksPerRow; b++, base += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(Lanes.F, scales[s + b]);
            for (int j = 0; j < BLOCK; j += Lanes.L, k += Lanes.L) {
                acc = quants(data, base + 2 + j).mul(d).fma(FloatVector.fromArray(Lanes.F, x, k), acc);
            }
        }
        return Lanes.sum(acc);
    }

    @Override
    protected void fused4(int r, float[] x, int xOff, float[] out, int oOff, float[] acc) {
        FloatVector a0 = FloatVector.zero(Lanes.F), a1 = a0, a2 = a0, a3 = a0;
        long b0 = r * rowBytes, b1 = b0 + rowBytes, b2 = b1 + rowBytes, b3 = b2 + rowBytes;
        int nb = blocksPerRow;
        int s0 = r * nb, s1 = s0 + nb, s2 = s1 + nb, s3 = s2 + nb;
        for (int b = 0, k = xOff; b < nb; b++) {
            FloatVector d0 = FloatVector.broadcast(Lanes.F, scales[s0 + b]);
            FloatVector d1 = FloatVector.broadcast(Lanes.F, scales[s1 + b]);
            FloatVector d2 = FloatVector.broadcast(Lanes.F, scales[s2 + b]);
            FloatVector d3 = FloatVector.broadcast(Lanes.F, scales[s3 + b]);
            for (int j = 0; j < BLOCK; j += Lanes.L, k += Lanes.L) {
                FloatVector v = FloatVector.fromArray(Lanes.F, x, k);
                a0 = quants(data, b0 + 2 + j).mul(d0).fma(v, a0);
                a1 = quants(data, b1 + 2 + j).mul(d1).fma(v, a1);
                a2 = quants(data, b2 + 2 + j).mul(d2).fma(v, a2);
                a3 = quants(data, b3 + 2 + j).mul(d3).fma(v, a3);
            }
            b0 += BLOCK_BYTES;
            b1 += BLOCK_BYTES;
            b2 += BLOCK_BYTES;
            b3 += BLOCK_BYTES;
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, Lanes.L);
        a2.intoArray(acc, 2 * Lanes.L);
        a3.intoArray(acc, 3 * Lanes.L);
        sums4(acc, out, oOff + r);
    }
}

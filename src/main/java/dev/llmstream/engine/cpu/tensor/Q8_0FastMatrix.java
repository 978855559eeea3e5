package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q8_0 ({@link Q8_0Matrix} has the format) in {@link Numerics#FAST}: the kernels of {@link DequantPanelMatrix},
 * one multiply-add of {@code q·d} per weight. The quants go into the panels as they are.
 */
public final class Q8_0FastMatrix extends DequantPanelMatrix {
    public Q8_0FastMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q8_0, data, rows, cols);
        repackAll();
    }

    @Override
    void repackRow(byte[] row, int i, byte[] q, int qo, float[] f, int fo) {
        for (int b = 0; b < nb; b++) {
            int bo = b * Q8_0Matrix.BLOCK_BYTES;
            f[fo + b * P + i] = Float.float16ToFloat((short) ((row[bo] & 0xFF) | row[bo + 1] << 8));
            for (int k = 0; k < BLOCK; k++) {
                putQuant(q, qo, i, b, k, row[bo + 2 + k]);
            }
        }
    }

    @Override
    void scaledQuantsScalar(int r, float[] out) {
        dequantizeRowScalar(r, out, 0);
    }

    @Override
    public void dequantizeRow(int row, float[] out, int off) {
        Q8_0Matrix.dequantize(data, row * rowBytes, nb, out, off);
    }

    @Override
    public void dequantizeRowScalar(int row, float[] out, int off) {
        Q8_0Matrix.dequantizeScalar(data, row * rowBytes, nb, out, off);
    }
}

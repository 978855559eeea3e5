package dev.llmstream.engine.cpu.tensor;

import dev.llmstream.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Kernels for 32-weight block formats in {@link Numerics#FAST} (so far Q8_0: {@link Q8_0FastMatrix}): one fused
 * multiply-add per weight. Per row and
 * token, {@code acc = fma(q·d, x, acc)} over the columns in order from {@code +0} ({@link DequantKernels}), where
 * {@code q·d} is the weight ({@code q} the format's integer quant, {@code d} its block scale) and {@code x} the
 * activation's Q8_0 quant times its block scale ({@link ActivationFormat#Q8_0_GROUPED}): both products are exact
 * in float (8 × 11 significant bits), so only the accumulation rounds.
 *
 * <p><b>Not llama.cpp's order, on purpose.</b> ggml sums each four products exactly and scales them per block in
 * eight lanes ({@code ggml_vec_dot_q8_0_q8_0}, reproduced by {@link LanePanelMatrix}); that costs six vector
 * operations per 64 products per token plus the widening, and with C2's register and node budgets the exact
 * batched kernels reach about 55 GFLOP/s per core. Here each widened and scaled weight vector feeds up to 16
 * tokens from registers (19 operations per 256 products): 1.9× that at 16 tokens (JMH; docs/performance.md,
 * "Fast numerics"). The results stay batch invariant: a row's arithmetic is the same whatever group width,
 * kernel or thread computes it. What it gives up is bit-equality with llama.cpp ({@link Numerics#FAST}).
 *
 * <p>Panels ({@link PanelStore}): every weight as one signed byte, column-major ({@code q[(32b + e)·P + i]} for
 * row {@code i}, block {@code b}, element {@code e}; {@link #putQuant}), then the block scales {@code d} as
 * floats, {@code P} per block.
 *
 * <p>Traversal: one token goes over four panels at a time (four weight streams); a batch goes in token groups of
 * 16, 8 or 4 ({@link PreparedInput#groupWidth}), each group over one panel per kernel call; with several groups
 * (prefill) a block of {@link #BLOCK_PANELS} panels stays in L2 while every group passes over it.
 */
abstract class DequantPanelMatrix extends PanelStore {
    static final int BLOCK = 32;
    /** Panels that every token group of a multi-group batch passes over before the next ones (L2-resident). */
    static final int BLOCK_PANELS = 8;

    /** Blocks per row. */
    final int nb;

    DequantPanelMatrix(GgmlType type, MemorySegment data, int rows, int cols) {
        super(type, data, rows, cols, (cols / BLOCK) * BLOCK * P, (cols / BLOCK) * P);
        this.nb = cols / BLOCK;
    }

    /** Stores {@code v} (−128..127) as quant {@code k} (0..31) of block {@code b} of row {@code i} of a panel. */
    final void putQuant(byte[] q, int qo, int i, int b, int k, int v) {
        q[qo + (b * BLOCK + k) * P + i] = (byte) v;
    }

    /** Row {@code r}'s weights {@code q·d} from the file's blocks. */
    abstract void scaledQuantsScalar(int r, float[] out);

    /** Q8_0 quantization as llama.cpp's, handed over dequantized in token groups. */
    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_0_GROUPED;
    }

    /** Four panels per single-token call: row chunks of whole groups keep every call on four streams. */
    @Override
    public int rowAlignment() {
        return 4 * P;
    }

    @Override
    public void matmul(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd) {
        float[] res = results();
        float[] xg = x.grouped;
        int n = x.tokens();
        int p0 = rowStart / P;
        int p1 = (rowEnd + P - 1) / P;
        if (n == 1) {
            for (int p = p0; p < p1; ) {
                if (p + 4 <= p1 && q(p) == q(p + 3)) {
                    DequantKernels.token1Panels4(q(p), qo(p), qPanel, f(p), fo(p), fPanel, nb, xg, 0, res);
                    emit(res, 1, 4, out, 0, ldOut, p, rowStart, rowEnd);
                    p += 4;
                } else {
                    DequantKernels.token1(q(p), qo(p), f(p), fo(p), nb, xg, 0, res);
                    emit(res, 1, 1, out, 0, ldOut, p, rowStart, rowEnd);
                    p++;
                }
            }
            return;
        }
        for (int pb = p0; pb < p1; pb += BLOCK_PANELS) {
            int pe = Math.min(p1, pb + BLOCK_PANELS);
            for (int t = 0; t < n; ) {
                int w = PreparedInput.groupWidth(n - t);
                int real = Math.min(w, n - t);
                for (int p = pb; p < pe; p++) {
                    group(p, w, xg, t * cols, res);
                    emit(res, real, 1, out, t, ldOut, p, rowStart, rowEnd);
                }
                t += w;
            }
        }
    }

    /** Panel {@code p} against the token group of width {@code w} at {@code xg[xo ..]}: token {@code j} into {@code res[j·P ..]}. */
    private void group(int p, int w, float[] xg, int xo, float[] res) {
        switch (w) {
            case 16 -> DequantKernels.tokens16(q(p), qo(p), f(p), fo(p), nb, xg, xo, res);
            case 8 -> DequantKernels.tokens8(q(p), qo(p), f(p), fo(p), nb, xg, xo, res);
            case 4 -> DequantKernels.tokens4(q(p), qo(p), f(p), fo(p), nb, xg, xo, res);
            default -> DequantKernels.token1(q(p), qo(p), f(p), fo(p), nb, xg, xo, res);
        }
    }

    /** Every row and token in the kernels' order, from the file's blocks (not the panels). */
    @Override
    public void matmulScalar(PreparedInput x, float[] out, int ldOut, int rowStart, int rowEnd) {
        float[] w = new float[cols];
        float[] xd = x.dequantized();
        for (int r = rowStart; r < rowEnd; r++) {
            scaledQuantsScalar(r, w);
            for (int t = 0; t < x.tokens(); t++) {
                float acc = 0f;
                for (int k = 0; k < cols; k++) {
                    acc = Math.fma(w[k], xd[t * cols + k], acc);
                }
                out[t * ldOut + r] = acc;
            }
        }
    }
}

package dev.llmstream.engine.cpu.tensor;

/**
 * Which of llama.cpp's matmul paths a token's activation row would take, as per-token bits. llama.cpp's CPU
 * backend does not compute a row's dot products the same way for every batch: with at least two tokens in a
 * micro-batch, {@code ggml_compute_forward_mul_mat} hands F32/F16 weights to {@code llamafile_sgemm}
 * (tinyBLAS: one 16-lane accumulator) instead of {@code ggml_vec_dot_f32/f16} (four accumulators, a scalar
 * tail); and the repacked K-quant kernels ({@code ggml-cpu/repack.cpp}, {@code forward_mul_mat}) run the
 * first {@code n − n mod 4} tokens of a micro-batch through the 4-token {@code gemm} (one scale
 * multiply-add per 64 weights) and the rest through {@code gemv} (one per 256). Reproducing its numbers
 * means choosing the same path per token.
 *
 * <p>The bits are a function of the token's place in its own prompt only — never of the other sequences in
 * our batch, nor of how our scheduler chunks the prompt — so results stay batch invariant: prompt tokens
 * are grouped as llama.cpp's server groups them (micro-batches of {@link #UBATCH} from position 0), generated
 * tokens (decode steps, speculative drafts) are always single. llama.cpp computes the last layer's
 * feed-forward block only for the tokens whose logits it returns, one row each: the forward pass uses
 * {@link #SINGLE} there.
 */
public final class MatmulMode {
    /** One token alone: {@code ggml_vec_dot_*}, repack {@code gemv}. */
    public static final byte SINGLE = 0;
    /** The token's micro-batch holds at least two tokens: {@code llamafile_sgemm} where it applies. */
    public static final byte MULTI = 1;
    /** The token is among the first {@code n − n mod 4} of a micro-batch of {@code n >= 4}: repack {@code gemm}. */
    public static final byte TILE4 = 2;
    /**
     * The token's micro-batch holds at least 64 tokens ({@code GGML_FA_TILE_Q}): llama.cpp's flash attention
     * takes its tiled path ({@code TiledAttention}).
     */
    public static final byte ATTN_TILED = 4;
    /** llama-server's default {@code n_ubatch}. */
    public static final int UBATCH = 512;

    private MatmulMode() {}

    /** Bits of the token at {@code position} of a sequence whose prompt has {@code promptLength} tokens. */
    public static byte of(int position, int promptLength) {
        if (position >= promptLength) {
            return SINGLE;
        }
        int start = position / UBATCH * UBATCH;
        int len = Math.min(UBATCH, promptLength - start);
        int idx = position - start;
        byte m = len >= 2 ? MULTI : SINGLE;
        if (len >= 4 && idx < len - len % 4) {
            m |= TILE4;
        }
        if (len >= 64) {
            m |= ATTN_TILED;
        }
        return m;
    }

    public static boolean attnTiled(byte mode) {
        return (mode & ATTN_TILED) != 0;
    }

    public static boolean multi(byte mode) {
        return (mode & MULTI) != 0;
    }

    static boolean tile4(byte mode) {
        return (mode & TILE4) != 0;
    }
}

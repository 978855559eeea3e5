package dev.llmstream.engine.cpu.tensor;

import java.util.Arrays;

/**
 * The activations of one matmul in the form its weight format consumes (see {@link ActivationFormat}),
 * produced by {@link ActivationQuantizer#prepare} and reused call after call (no allocation once sized):
 *
 * <ul>
 *   <li>{@link #values}: {@code [token × cols]}. F32/F16/BF16: the (rounded) activations. Q8_0/Q8_1/Q8_K: the
 *       integer quants {@code q} as floats (exact), which the kernels multiply in float without rounding —
 *       products and block sums of 8-bit integers stay far below 2^24 — so every kernel shape reproduces
 *       ggml's integer partial sums exactly.</li>
 *   <li>{@link #scales}: Q8_0/Q8_1 {@code d} per 32 values (the f16 value, as float), Q8_K {@code d} per 256
 *       (float), {@code [token × blocks]}.</li>
 *   <li>{@link #sums}: Q8_K {@code bsums}, the sum of each 16 quants (exact, as float),
 *       {@code [token × cols/16]}; Q8_1 {@code s}, the f16 value of {@code d·Σq} per block (as float),
 *       {@code [token × cols/32]}.</li>
 *   <li>{@link #modes}: per token, the {@link MatmulMode} bits choosing llama.cpp's path.</li>
 *   <li>{@link #laneValues}, {@link #laneScales}: Q8_0/Q8_1 with {@link LanePanelMatrix#STRIP_MIN} or more tokens,
 *       the same quants and scales again, regrouped for {@link LaneKernels#strip4}: per group of four tokens and
 *       ggml lane, one run over the blocks of 16 floats (the lane's four quants of each of the four tokens), so the
 *       kernel reads one cache line per block from one pointer. Only whole groups are read.</li>
 *   <li>{@link #grouped}: {@link ActivationFormat#Q8_0_GROUPED}, the dequantized values {@code q·d} (exact) in
 *       token groups for {@link DequantKernels}: groups of {@link #groupWidth} tokens, interleaved by column.</li>
 * </ul>
 */
public final class PreparedInput {
    private ActivationFormat format = ActivationFormat.F32;
    private int tokens;
    private int cols;
    float[] values = new float[0];
    float[] scales = new float[0];
    float[] sums = new float[0];
    byte[] modes = new byte[0];
    /**
     * Token group {@code G} ({@code t / 4}), lane {@code l} (0..7), block {@code b}, token {@code j} of the group,
     * product {@code e}: {@code laneValues[G·4·cols + l·(cols/2) + 16b + 4j + e]} = quant {@code 32b + 4l + e} of
     * token {@code 4G + j}; {@code laneScales[(G·blocks + b)·4 + j]} its block scale.
     */
    float[] laneValues = new float[0];
    float[] laneScales = new float[0];
    /** Tokens per group of {@link #laneValues}. */
    static final int LANE_GROUP = 4;
    private boolean laneGroups;
    /**
     * The token groups: tokens {@code [s, s + W)} (the last group may be padded with zero tokens) at
     * {@code grouped[s·cols ..]}, token {@code s + j}, column {@code k} at {@code grouped[s·cols + k·W + j]}. Every
     * group but the last is full, so a group's offset is its first token times {@code cols}; a group of one
     * token is its plain row.
     */
    float[] grouped = new float[0];
    private boolean tokenGroups;
    private float[] dequantized = new float[0];
    private boolean dequantizedValid;

    /** Sizes the buffers for {@code tokens × cols} activations of {@code format}. */
    void reset(ActivationFormat format, int tokens, int cols) {
        this.format = format;
        this.tokens = tokens;
        this.cols = cols;
        int n = tokens * cols;
        if (values.length < n) {
            values = new float[n];
        }
        int blocks = format.blockSize() > 1 ? tokens * (cols / format.blockSize()) : 0;
        if (scales.length < blocks) {
            scales = new float[blocks];
        }
        int sumCount = switch (format) {
            case Q8_K -> tokens * (cols / 16);
            case Q8_1 -> tokens * (cols / 32);
            default -> 0;
        };
        if (sums.length < sumCount) {
            sums = new float[sumCount];
        }
        // only batches the lane strips take: smaller ones (speculative verify steps) would copy for nothing
        this.laneGroups = (format == ActivationFormat.Q8_0 || format == ActivationFormat.Q8_1)
                && tokens >= LanePanelMatrix.STRIP_MIN;
        if (laneGroups) {
            int laneTokens = (tokens + LANE_GROUP - 1) / LANE_GROUP * LANE_GROUP;
            if (laneValues.length < laneTokens * cols) {
                laneValues = new float[laneTokens * cols];
            }
            if (laneScales.length < laneTokens * (cols / 32)) {
                laneScales = new float[laneTokens * (cols / 32)];
            }
        }
        this.tokenGroups = format == ActivationFormat.Q8_0_GROUPED;
        if (tokenGroups) {
            int last = lastGroup(tokens);
            int end = (last + groupWidth(tokens - last)) * cols;
            if (grouped.length < end) {
                grouped = new float[end];
            }
        }
        if (modes.length < tokens) {
            modes = new byte[Math.max(tokens, 16)];
        }
        dequantizedValid = false;
    }

    /** Whether {@link #laneValues} and {@link #laneScales} hold this batch (Q8_0/Q8_1, a lane-strip batch). */
    boolean laneGroups() {
        return laneGroups;
    }

    /**
     * Copies token {@code t}'s Q8 quants and scales (already in {@link #values} and {@link #scales}) into the lane
     * groups. Touches only token {@code t}'s slots, so rows may be converted from several threads.
     */
    void groupLanes(int t) {
        int nb = cols / 32;
        int g = t / LANE_GROUP;
        int j = t % LANE_GROUP;
        int src = t * cols;
        int dst = g * LANE_GROUP * cols + 4 * j;
        // element by element: 4-float arraycopy calls cost more than the copy (20 ms of a 16-token step)
        for (int l = 0; l < 8; l++) {
            int d = dst + l * nb * 16;
            int s = src + 4 * l;
            for (int b = 0; b < nb; b++, d += 16, s += 32) {
                laneValues[d] = values[s];
                laneValues[d + 1] = values[s + 1];
                laneValues[d + 2] = values[s + 2];
                laneValues[d + 3] = values[s + 3];
            }
        }
        for (int b = 0; b < nb; b++) {
            laneScales[(g * nb + b) * LANE_GROUP + j] = scales[t * nb + b];
        }
    }

    /** Whether this batch is {@link ActivationFormat#Q8_0_GROUPED} ({@link ActivationQuantizer#prepareColumns}). */
    public boolean tokenGroups() {
        return tokenGroups;
    }

    /**
     * Width of the token group that starts with {@code left} tokens still to place: 16 from 9 tokens on, then 8,
     * 4 or 1. A group wider than what is left is the last one, padded with zero tokens (at most 7 of 16: cheaper
     * than a second, narrower pass over the weights).
     */
    static int groupWidth(int left) {
        return left > 8 ? 16 : left > 4 ? 8 : left > 1 ? 4 : 1;
    }

    /** First token of the last group of a batch of {@code tokens}. */
    private static int lastGroup(int tokens) {
        int s = 0;
        while (s + groupWidth(tokens - s) < tokens) {
            s += groupWidth(tokens - s);
        }
        return s;
    }

    /**
     * Fills columns {@code [k0, k1)} of every token group with the dequantized values {@code q·d} (the quants and
     * scales already in {@link #values} and {@link #scales}), and the padding tokens' lanes of the last group with
     * zeros; see {@link ActivationQuantizer#prepareColumns}.
     */
    void groupColumns(int k0, int k1) {
        int nb = cols / 32;
        for (int s = 0, w; s < tokens; s += w) {
            w = groupWidth(tokens - s);
            int real = Math.min(w, tokens - s);
            for (int j = 0; j < real; j++) {
                int src = (s + j) * cols;
                int sc = (s + j) * nb;
                for (int k = k0, dst = s * cols + k0 * w + j; k < k1; k++, dst += w) {
                    grouped[dst] = values[src + k] * scales[sc + (k >> 5)];
                }
            }
            // padding lanes: their results are never emitted, but stale values from an earlier batch could be
            // subnormal (slow multiply-adds on some cores); zeros cost only the lanes themselves
            for (int j = real; j < w; j++) {
                for (int k = k0, dst = s * cols + k0 * w + j; k < k1; k++, dst += w) {
                    grouped[dst] = 0f;
                }
            }
        }
    }

    public ActivationFormat format() {
        return format;
    }

    public int tokens() {
        return tokens;
    }

    public int cols() {
        return cols;
    }

    public byte mode(int token) {
        return modes[token];
    }

    /** The quants (or values) of {@code token}, element {@code k}. */
    public float value(int token, int k) {
        return values[token * cols + k];
    }

    /**
     * The values these activations stand for ({@code q · d} for the 8-bit formats, exact), for kernels that
     * follow a float order rather than ggml's integer one (BF16, Q5_K). Computed once per preparation.
     */
    float[] dequantized() {
        if (format.blockSize() == 1) {
            return values;
        }
        if (!dequantizedValid) {
            int n = tokens * cols;
            if (dequantized.length < n) {
                dequantized = new float[n];
            }
            int bs = format.blockSize();
            for (int i = 0; i < n; i++) {
                dequantized[i] = values[i] * scales[i / bs];
            }
            dequantizedValid = true;
        }
        return dequantized;
    }

    /** For tests: a copy of the modes in use. */
    byte[] modesCopy() {
        return Arrays.copyOf(modes, tokens);
    }
}

package dev.llmstream.engine.cpu.model;

import dev.llmstream.engine.cpu.compute.ComputePool;
import dev.llmstream.engine.cpu.compute.ParallelMatmul;
import dev.llmstream.engine.cpu.kernel.Activations;
import dev.llmstream.engine.cpu.kernel.Attention;
import dev.llmstream.engine.cpu.kernel.F16;
import dev.llmstream.engine.cpu.kernel.FastAttention;
import dev.llmstream.engine.cpu.kernel.Rope;
import dev.llmstream.engine.cpu.kernel.TiledAttention;
import dev.llmstream.engine.cpu.kv.KvStorage;
import dev.llmstream.engine.cpu.tensor.ActivationFormat;
import dev.llmstream.engine.cpu.tensor.ActivationQuantizer;
import dev.llmstream.engine.cpu.tensor.MatmulMode;
import dev.llmstream.engine.cpu.tensor.Numerics;
import dev.llmstream.engine.cpu.tensor.PreparedInput;
import dev.llmstream.engine.cpu.tensor.WeightMatrix;

/**
 * One batched forward pass of a decoder-only transformer (pre-norm, RMSNorm, RoPE, GQA, SwiGLU):
 * every token of a {@link ForwardBatch} — prefill chunks and decode tokens of many sequences together
 * — goes through each layer in one set of matmuls, so each weight matrix is streamed from memory once
 * per step. Activations are {@code [nTokens × dim]} row-major float buffers owned by this object and
 * reused every step. Architecture differences come from {@link Architecture} (bias, QK-norm, RoPE
 * pairing); there is one code path.
 *
 * <p>Per layer: {@code h = x + Wo·attn(rope(Wq·n(x)), rope(Wk·n(x)), Wv·n(x))}, then
 * {@code x' = h + Wdown·(silu(Wgate·n(h)) ⊙ Wup·n(h))}. Logits only for the batch's logit tokens; as in
 * llama.cpp, the last layer computes attention output and feed-forward block only for them (the other
 * tokens only need their keys and values).
 *
 * <p>Numerics follow llama.cpp's CPU backend operation for operation (see the kernels): each matmul's
 * activations are prepared in the weight format's {@code vec_dot_type} ({@link ActivationQuantizer}) with
 * per-token {@link MatmulMode} bits — from the token's place in its prompt, and single for the last
 * layer's feed-forward block, which llama.cpp runs on one row per output. In fast numerics
 * ({@link Numerics#FAST}) the Q8_0 matmuls and the attention ({@link FastAttention}) sum in float in their own
 * order instead.
 */
public final class ForwardPass {
    private final ModelWeights weights;
    private final ModelConfig c;
    private final KvStorage kv;
    private final ComputePool pool;
    private final ParallelMatmul matmul;
    private final Rope rope;
    private final float attnScale;
    private final int maxLogits;
    /** Fast numerics: float softmax attention ({@link FastAttention}) instead of llama.cpp's F16 flash attention. */
    private final boolean fastAttention;

    private final float[] x;      // residual stream [T × nEmbd]
    private final float[] xn;     // normalized input of the current sub-layer [T × nEmbd]
    private final float[] q;      // [T × qDim], rounded to F16 after RoPE
    private final float[] qRaw;   // [T × qDim], F32 after RoPE (llama.cpp's tiled attention reads these)
    private final float[] k;      // [T × kvDim]
    private final float[] v;      // [T × kvDim]
    private final float[] attn;   // [T × qDim]
    private final float[] proj;   // sub-layer output before the residual add [T × nEmbd]
    private final float[] gate;   // [T × nFf]
    private final float[] up;     // [T × nFf]
    private final float[] cos;    // [T × ropePairs]
    private final float[] sin;
    private final float[] logitIn; // normalized final hidden states of logit tokens [maxLogits × nEmbd]
    private final float[] logits;  // [maxLogits × vocab]
    private final float[] xLogit;  // last layer: residual stream of the logit tokens [maxLogits × nEmbd]
    private final byte[] modes;    // MatmulMode per batch token
    private final byte[] logitModes; // MatmulMode of the logit tokens (last layer attention output)
    private final byte[] single;   // all MatmulMode.SINGLE
    private final PreparedInput[] prepared = new PreparedInput[ActivationFormat.values().length];
    private int headsPerTask = 1;   // most query heads of one KV group per attention task this step (see planAttention)
    private int tasksPerGroup = 1;  // attention tasks per KV group: ceil(groupSize / headsPerTask)
    private int tasksPerToken = 1;  // attention tasks per token this step: nHeadKv · tasksPerGroup
    private final ThreadLocal<Staged> staged = ThreadLocal.withInitial(Staged::new);

    /**
     * A thread's attention buffers: the float copy of one KV head's history ({@link KvStorage#stage}), which the
     * kernels read as a cache of one head in {@link KvStorage#STAGE_BLOCK}-slot blocks, and the kernels' scratch.
     */
    private static final class Staged {
        float[] keys = new float[0];
        float[] values = new float[0];
        int[] table = new int[0];
        float[] scratch = new float[0];

        /** The scratch, at least {@code need} floats. */
        float[] scratch(int need) {
            if (scratch.length < need) {
                scratch = new float[need];
            }
            return scratch;
        }
    }

    // state of the current step, read by the parallel tasks below
    private ForwardBatch batch;
    private LayerWeights layer;
    private int layerIndex;

    private final ComputePool.Task embedTask = this::embed;
    private final ComputePool.Task attnNormTask = this::attnNorm;
    private final ComputePool.Task ffnNormTask = this::ffnNorm;
    private final ComputePool.Task qkvPostTask = this::qkvPost;
    private final ComputePool.Task attentionTask = this::attention;
    private final ComputePool.Task attentionLogitTask = this::attentionLogit;
    private final ComputePool.Task residualTask = this::residual;
    private final ComputePool.Task residualLogitTask = this::residualLogit;
    private final ComputePool.Task addLogitTask = this::addLogit;
    private final ComputePool.Task ffnNormLogitTask = this::ffnNormLogit;
    private final ComputePool.Task swigluTask = this::swiglu;
    private final ComputePool.Task prepareTask = this::prepareRow;
    private final ComputePool.Task prepareColumnsTask = this::prepareColumns;
    /** Batches of fewer tokens convert activations (and run per-token elementwise work) inline, not on the pool. */
    private static final int INLINE_BELOW = 8;
    /** Columns per task of a column-wise preparation (a multiple of 32). */
    private static final int PREPARE_COLUMNS = 64;
    private int prepareCols;           // columns of the input prepareColumnsTask converts
    private float[] prepareSrc;        // the rows prepareTask converts
    private PreparedInput prepareDst;
    private final ComputePool.Task finalNormTask = this::finalNorm;

    public ForwardPass(ModelWeights weights, KvStorage kv, ComputePool pool, int maxTokens, int maxLogits) {
        this.weights = weights;
        this.c = weights.config();
        this.kv = kv;
        this.pool = pool;
        this.matmul = new ParallelMatmul(pool);
        this.maxLogits = maxLogits;
        this.fastAttention = weights.numerics() == Numerics.FAST && FastAttention.applies(c.headDim());
        RopeScaling rs = c.ropeScaling();
        float[] divisors = weights.ropeFreqDivisors() != null ? weights.ropeFreqDivisors()
                : rs.llama3Divisors(c.ropeDim(), c.ropeTheta());
        this.rope = new Rope(c.ropeDim(), c.ropeTheta(), rs.type() == RopeScaling.Type.LINEAR ? rs.factor() : 1f,
                divisors, c.arch().ropeStyle());
        this.attnScale = (float) (1.0 / Math.sqrt(c.headDim()));
        this.x = new float[maxTokens * c.nEmbd()];
        this.xn = new float[maxTokens * c.nEmbd()];
        this.q = new float[maxTokens * c.qDim()];
        this.qRaw = new float[maxTokens * c.qDim()];
        this.k = new float[maxTokens * c.kvDim()];
        this.v = new float[maxTokens * c.kvDim()];
        this.attn = new float[maxTokens * c.qDim()];
        this.proj = new float[maxTokens * c.nEmbd()];
        this.gate = new float[maxTokens * c.nFf()];
        this.up = new float[maxTokens * c.nFf()];
        this.cos = new float[maxTokens * rope.pairs()];
        this.sin = new float[maxTokens * rope.pairs()];
        this.logitIn = new float[maxLogits * c.nEmbd()];
        this.logits = new float[maxLogits * c.vocabSize()];
        this.xLogit = new float[maxLogits * c.nEmbd()];
        this.modes = new byte[maxTokens];
        this.logitModes = new byte[maxLogits];
        this.single = new byte[Math.max(maxTokens, maxLogits)];
        for (ActivationFormat f : ActivationFormat.values()) {
            prepared[f.ordinal()] = new PreparedInput();
        }
    }

    public ModelConfig config() {
        return c;
    }

    /** Most tokens one {@link #forward} call takes. */
    public int maxTokens() {
        return x.length / c.nEmbd();
    }

    /**
     * Runs the batch; returns the logits buffer whose row {@code j} ({@code vocab} floats) belongs to
     * token {@code batch.logitToken(j)}. The buffer is reused by the next call.
     */
    public float[] forward(ForwardBatch b) {
        int t = b.size();
        if (b.logitCount() > maxLogits) {
            throw new IllegalArgumentException("batch wants " + b.logitCount() + " logit rows, capacity " + maxLogits);
        }
        batch = b;
        for (int i = 0; i < t; i++) {
            modes[i] = MatmulMode.of(b.position(i), b.promptLength(b.sequence(i)));
        }
        int n = b.logitCount();
        for (int j = 0; j < n; j++) {
            logitModes[j] = modes[b.logitToken(j)];
        }
        parallelPerToken(t, embedTask);
        for (int l = 0; l < c.nLayer(); l++) {
            layerIndex = l;
            layer = weights.layer(l);
            parallelPerToken(t, attnNormTask);
            PreparedInput xq = input(xn, t, modes, layer.wq());
            PreparedInput xk = input(xn, t, modes, layer.wk(), layer.wq(), xq);
            PreparedInput xv = input(xn, t, modes, layer.wv(), layer.wk(), xk);
            matmul.run(layer.wq(), xq, q, layer.wk(), xk, k, layer.wv(), xv, v);
            parallelPerToken(t, qkvPostTask);
            if (l < c.nLayer() - 1) {
                pool.run(planAttention(t), attentionTask);
                matmul.run(layer.wo(), input(attn, t, modes, layer.wo()), proj);
                parallelPerToken(t, residualTask);
                parallelPerToken(t, ffnNormTask);
                feedForward(t, modes);
                parallelPerToken(t, residualTask);
            } else if (n > 0) {
                // last layer: only the logit tokens go on, in compact rows j = 0..n-1
                pool.run(planAttention(n), attentionLogitTask);
                matmul.run(layer.wo(), input(attn, n, logitModes, layer.wo()), proj);
                parallelPerToken(n, residualLogitTask);
                parallelPerToken(n, ffnNormLogitTask);
                feedForward(n, single);
                parallelPerToken(n, addLogitTask);
            }
        }
        if (n > 0) {
            parallelPerToken(n, finalNormTask);
            matmul.run(weights.output(), input(logitIn, n, single, weights.output()), logits);
        }
        batch = null;
        layer = null;
        return logits;
    }

    /** {@code proj = Wdown·(silu(Wgate·xn) ⊙ Wup·xn)} for {@code t} rows of {@code xn}. */
    private void feedForward(int t, byte[] tokenModes) {
        PreparedInput xg = input(xn, t, tokenModes, layer.wGate());
        matmul.run(layer.wGate(), xg, gate, layer.wUp(), input(xn, t, tokenModes, layer.wUp(), layer.wGate(), xg), up);
        parallelPerToken(t, swigluTask);
        matmul.run(layer.wDown(), input(gate, t, tokenModes, layer.wDown()), proj);
    }

    /**
     * The activations {@code src} ({@code [t × w.cols()]}) as the weight format {@code w} expects them (see
     * {@link ActivationFormat}), with the tokens' matmul modes; one buffer per format.
     */
    private PreparedInput input(float[] src, int t, byte[] tokenModes, WeightMatrix w) {
        ActivationFormat f = w.activationFormat();
        PreparedInput dst = prepared[f.ordinal()];
        ActivationQuantizer.begin(f, t, w.cols(), tokenModes, dst);
        prepareSrc = src;
        prepareDst = dst;
        if (dst.tokenGroups()) {
            prepareCols = w.cols();
            int chunks = prepareCols / PREPARE_COLUMNS;
            if (t < INLINE_BELOW || chunks < 2) {
                ActivationQuantizer.prepareColumns(src, 0, prepareCols, dst);
            } else {
                pool.run(chunks, prepareColumnsTask);
            }
        } else {
            parallelPerToken(t, prepareTask); // rows are independent; serial, a prefill's quantization idled a thread
        }
        prepareSrc = null;
        prepareDst = null;
        return dst;
    }

    /** Columns {@code [i·PREPARE_COLUMNS, ..)} of every token (the last chunk takes the rest). */
    private void prepareColumns(int i) {
        int k0 = i * PREPARE_COLUMNS;
        int k1 = (i + 2) * PREPARE_COLUMNS > prepareCols ? prepareCols : (i + 1) * PREPARE_COLUMNS;
        ActivationQuantizer.prepareColumns(prepareSrc, k0, k1, prepareDst);
    }

    private void prepareRow(int i) {
        ActivationQuantizer.prepareRow(prepareSrc, i, prepareDst);
    }

    /** {@link #input} for a second matrix reading the same source: reuses {@code done} if formats agree. */
    private PreparedInput input(float[] src, int t, byte[] tokenModes, WeightMatrix w, WeightMatrix doneFor,
                                PreparedInput done) {
        return w.activationFormat() == doneFor.activationFormat() ? done : input(src, t, tokenModes, w);
    }

    /** Small per-token work runs inline; only larger batches pay the pool hand-off. */
    private void parallelPerToken(int n, ComputePool.Task task) {
        if (n < INLINE_BELOW) {
            for (int i = 0; i < n; i++) {
                task.run(i);
            }
        } else {
            pool.run(n, task);
        }
    }

    private void attnNorm(int i) {
        Activations.rmsNorm(x, i * c.nEmbd(), layer.attnNorm(), xn, i * c.nEmbd(), c.nEmbd(), c.rmsEps());
    }

    private void ffnNorm(int i) {
        Activations.rmsNorm(x, i * c.nEmbd(), layer.ffnNorm(), xn, i * c.nEmbd(), c.nEmbd(), c.rmsEps());
    }

    private void residual(int i) {
        Activations.add(x, i * c.nEmbd(), proj, i * c.nEmbd(), c.nEmbd());
    }

    private void swiglu(int i) {
        Activations.swiglu(gate, up, i * c.nFf(), c.nFf());
    }

    private void finalNorm(int j) {
        Activations.rmsNorm(xLogit, j * c.nEmbd(), weights.outputNorm(), logitIn, j * c.nEmbd(), c.nEmbd(), c.rmsEps());
    }

    /** Last layer: {@code xLogit[j] = x[logit token j] + proj[j]}. */
    private void residualLogit(int j) {
        int e = c.nEmbd();
        System.arraycopy(x, batch.logitToken(j) * e, xLogit, j * e, e);
        Activations.add(xLogit, j * e, proj, j * e, e);
    }

    private void ffnNormLogit(int j) {
        Activations.rmsNorm(xLogit, j * c.nEmbd(), layer.ffnNorm(), xn, j * c.nEmbd(), c.nEmbd(), c.rmsEps());
    }

    private void addLogit(int j) {
        Activations.add(xLogit, j * c.nEmbd(), proj, j * c.nEmbd(), c.nEmbd());
    }

    private void embed(int i) {
        weights.tokenEmbedding().dequantizeRow(batch.token(i), x, i * c.nEmbd());
        rope.angles(batch.position(i), cos, sin, i * rope.pairs());
    }

    /** Biases, QK-norm and RoPE of token {@code i}, then its K/V into the cache. */
    private void qkvPost(int i) {
        int qOff = i * c.qDim();
        int kOff = i * c.kvDim();
        if (layer.bq() != null) {
            Activations.add(q, qOff, layer.bq(), 0, c.qDim());
            Activations.add(k, kOff, layer.bk(), 0, c.kvDim());
            Activations.add(v, kOff, layer.bv(), 0, c.kvDim());
        }
        if (layer.qNorm() != null) {
            for (int h = 0; h < c.nHead(); h++) {
                Activations.rmsNormInPlace(q, qOff + h * c.headDim(), layer.qNorm(), c.headDim(), c.rmsEps());
            }
            for (int h = 0; h < c.nHeadKv(); h++) {
                Activations.rmsNormInPlace(k, kOff + h * c.headDim(), layer.kNorm(), c.headDim(), c.rmsEps());
            }
        }
        int cs = i * rope.pairs();
        rope.apply(q, qOff, c.nHead(), c.headDim(), cos, sin, cs);
        rope.apply(k, kOff, c.nHeadKv(), c.headDim(), cos, sin, cs);
        // llama.cpp keeps the KV cache in F16 (KvStorage rounds K and V as it stores them) and converts Q to F16
        // for the K·Q products of its one-query attention; round the same way (its tiled attention reads Q in
        // F32: keep that copy).
        System.arraycopy(q, qOff, qRaw, qOff, c.qDim());
        F16.roundInPlace(q, qOff, c.qDim());
        int[] table = batch.blockTable(batch.sequence(i));
        kv.writeKey(layerIndex, table, batch.position(i), k, kOff);
        kv.writeValue(layerIndex, table, batch.position(i), v, kOff);
    }

    /**
     * Splits a step's attention into tasks and returns how many: sets {@link #headsPerTask},
     * {@link #tasksPerGroup} and {@link #tasksPerToken} for the tasks to read. Few tokens (decode, a verify
     * step): tasks of at most two query heads of one KV group, so the threads stay balanced (5 KV groups on 2
     * threads would leave one idle for a third of the time) while each task still accumulates two heads'
     * values together ({@code AttentionPasses}: two independent rounding chains, about 1.7× one head's rate);
     * more tokens: one task per KV group, so each K/V row is read once for its whole group. Each head's
     * arithmetic is the same either way.
     */
    private int planAttention(int tokens) {
        headsPerTask = tokens * c.nHeadKv() < 4 * pool.parallelism() ? Math.min(2, c.groupSize()) : c.groupSize();
        tasksPerGroup = (c.groupSize() + headsPerTask - 1) / headsPerTask;
        tasksPerToken = c.nHeadKv() * tasksPerGroup;
        return tokens * tasksPerToken;
    }

    private void attention(int task) {
        int i = task / tasksPerToken;
        // consecutive tokens of one sequence attend in blocks: the first token's task takes the block (the K/V
        // history is read once per block instead of once per token); the others' tasks have nothing to do
        if (blockLeader(i)) {
            attendBlock(i, task % tasksPerToken);
        }
    }

    /** How a token attends ({@link #attentionKind}): one query in a micro-batch shared with others. */
    private static final int SHARED = 0;
    /** One query alone in its reference micro-batch (decode, speculative verify): split-KV. */
    private static final int ALONE = 1;
    /** Tiled, in blocks ({@link TiledAttention#attendBlock}). */
    private static final int TILED = 2;
    /** Tiled, one token at a time (shapes {@link TiledAttention#blocks} does not serve). */
    private static final int TILED_SINGLY = 3;

    /** How token {@code i} attends, for grouping it with its neighbours. */
    private int attentionKind(int i) {
        if (MatmulMode.attnTiled(modes[i])) {
            return TiledAttention.blocks(c.headDim(), KvStorage.STAGE_BLOCK) ? TILED : TILED_SINGLY;
        }
        return MatmulMode.multi(modes[i]) ? SHARED : ALONE;
    }

    /**
     * Token {@code i} starts a block: every {@link TiledAttention#Q_BLOCK}-th token of the step, and any token that
     * does not continue its predecessor (another sequence, another kind, a position gap).
     */
    private boolean blockLeader(int i) {
        return i % TiledAttention.Q_BLOCK == 0 || attentionKind(i) == TILED_SINGLY
                || attentionKind(i - 1) != attentionKind(i)
                || batch.sequence(i - 1) != batch.sequence(i) || batch.position(i - 1) + 1 != batch.position(i);
    }

    /** The block led by token {@code i}: its KV group's heads of task unit {@code u}, outputs in rows {@code i ..}. */
    private void attendBlock(int i, int u) {
        int count = 1;
        while (count < TiledAttention.Q_BLOCK && i + count < batch.size() && !blockLeader(i + count)) {
            count++;
        }
        if (count == 1) {
            attend(i, u, i);
            return;
        }
        int group = unitHeads(u);
        int firstHead = unitFirstHead(u);
        Staged st = stage(i, u, batch.position(i) + count);
        int hd = c.headDim();
        if (fastAttention) {
            float[] s = st.scratch(FastAttention.scratchSize(batch.position(i) + count, group));
            for (int j = 0; j < count; j++) {
                FastAttention.attend(qRaw, (i + j) * c.qDim(), attn, (i + j) * c.qDim(), firstHead, group, hd, st.keys,
                        st.values, batch.position(i) + j + 1, attnScale, s);
            }
        } else if (attentionKind(i) == TILED) {
            float[] s = st.scratch(TiledAttention.blockScratchSize(group, hd));
            TiledAttention.attendBlock(qRaw, i * c.qDim(), c.qDim(), attn, i * c.qDim(), count, batch.position(i) + 1,
                    firstHead, group, 0, hd, st.keys, st.values, hd, st.table, KvStorage.STAGE_BLOCK, attnScale, s);
        } else {
            float[] s = st.scratch(Attention.blockScratchSize(count, group, hd));
            Attention.attendBlock(q, i * c.qDim(), c.qDim(), attn, i * c.qDim(), count, batch.position(i) + 1,
                    firstHead, group, 0, hd, st.keys, st.values, hd, st.table, KvStorage.STAGE_BLOCK, attnScale,
                    attentionKind(i) == ALONE, s);
        }
    }

    /**
     * This thread's float copy of the first {@code nPos} positions of the KV head of task unit {@code u}, for token
     * {@code i}'s sequence; the kernels then see a cache of that one head (KV head 0, {@code kvDim = headDim}).
     */
    private Staged stage(int i, int u, int nPos) {
        Staged st = staged.get();
        int need = KvStorage.stagedSize(nPos, c.headDim());
        if (st.keys.length < need) {
            st.keys = new float[need];
            st.values = new float[need];
        }
        st.table = KvStorage.stagedTable(nPos, st.table);
        kv.stage(layerIndex, batch.blockTable(batch.sequence(i)), u / tasksPerGroup, nPos, st.keys, st.values);
        return st;
    }

    /** Query heads of task unit {@code u}: {@link #headsPerTask}, fewer for the last unit of a KV group. */
    private int unitHeads(int u) {
        return Math.min(headsPerTask, c.groupSize() - (u % tasksPerGroup) * headsPerTask);
    }

    /** First query head of task unit {@code u} (of KV group {@code u / tasksPerGroup}). */
    private int unitFirstHead(int u) {
        return (u / tasksPerGroup) * c.groupSize() + (u % tasksPerGroup) * headsPerTask;
    }


    /** Last layer: logit token {@code j = task / tasksPerToken}'s heads, output in compact row {@code j}. */
    private void attentionLogit(int task) {
        int j = task / tasksPerToken;
        attend(batch.logitToken(j), task % tasksPerToken, j);
    }

    /** Token {@code i}'s query heads of task unit {@code u}; output into row {@code outRow} of {@code attn}. */
    private void attend(int i, int u, int outRow) {
        int nPos = batch.position(i) + 1;
        int group = unitHeads(u);
        int firstHead = unitFirstHead(u);
        int hd = c.headDim();
        Staged st = stage(i, u, nPos);
        if (fastAttention) {
            FastAttention.attend(qRaw, i * c.qDim(), attn, outRow * c.qDim(), firstHead, group, hd, st.keys, st.values,
                    nPos, attnScale, st.scratch(FastAttention.scratchSize(nPos, group)));
            return;
        }
        float[] s = st.scratch(Math.max(Attention.scratchSize(group, hd), TiledAttention.scratchSize(group, hd)));
        if (MatmulMode.attnTiled(modes[i]) && hd % 16 == 0) {
            TiledAttention.attend(qRaw, i * c.qDim(), attn, outRow * c.qDim(), firstHead, group, 0, hd, st.keys,
                    st.values, hd, st.table, KvStorage.STAGE_BLOCK, nPos, attnScale, s);
        } else {
            Attention.attend(q, i * c.qDim(), attn, outRow * c.qDim(), firstHead, group, 0, hd, st.keys, st.values, hd,
                    st.table, KvStorage.STAGE_BLOCK, nPos, attnScale, !MatmulMode.multi(modes[i]), s);
        }
    }
}

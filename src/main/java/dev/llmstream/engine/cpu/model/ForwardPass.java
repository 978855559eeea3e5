package dev.llmstream.engine.cpu.model;

import dev.llmstream.engine.cpu.compute.ComputePool;
import dev.llmstream.engine.cpu.compute.ParallelMatmul;
import dev.llmstream.engine.cpu.kernel.Activations;
import dev.llmstream.engine.cpu.kernel.Attention;
import dev.llmstream.engine.cpu.kernel.F16;
import dev.llmstream.engine.cpu.kernel.Rope;
import dev.llmstream.engine.cpu.kv.KvStorage;
import dev.llmstream.engine.cpu.tensor.ActivationFormat;
import dev.llmstream.engine.cpu.tensor.ActivationQuantizer;
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
 * {@code x' = h + Wdown·(silu(Wgate·n(h)) ⊙ Wup·n(h))}. Logits only for the batch's logit tokens.
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

    private final float[] x;      // residual stream [T × nEmbd]
    private final float[] xn;     // normalized input of the current sub-layer [T × nEmbd]
    private final float[] q;      // [T × qDim]
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
    private final float[][] prepared = new float[ActivationFormat.values().length][];
    private final ThreadLocal<float[]> scores = ThreadLocal.withInitial(() -> new float[0]);

    // state of the current step, read by the parallel tasks below
    private ForwardBatch batch;
    private boolean perHeadAttention;
    private LayerWeights layer;
    private int layerIndex;

    private final ComputePool.Task embedTask = this::embed;
    private final ComputePool.Task attnNormTask = this::attnNorm;
    private final ComputePool.Task ffnNormTask = this::ffnNorm;
    private final ComputePool.Task qkvPostTask = this::qkvPost;
    private final ComputePool.Task attentionTask = this::attention;
    private final ComputePool.Task residualTask = this::residual;
    private final ComputePool.Task swigluTask = this::swiglu;
    private final ComputePool.Task finalNormTask = this::finalNorm;

    public ForwardPass(ModelWeights weights, KvStorage kv, ComputePool pool, int maxTokens, int maxLogits) {
        this.weights = weights;
        this.c = weights.config();
        this.kv = kv;
        this.pool = pool;
        this.matmul = new ParallelMatmul(pool);
        this.maxLogits = maxLogits;
        RopeScaling rs = c.ropeScaling();
        float[] divisors = weights.ropeFreqDivisors() != null ? weights.ropeFreqDivisors()
                : rs.llama3Divisors(c.ropeDim(), c.ropeTheta());
        this.rope = new Rope(c.ropeDim(), c.ropeTheta(), rs.type() == RopeScaling.Type.LINEAR ? rs.factor() : 1f,
                divisors, c.arch().ropeStyle());
        this.attnScale = (float) (1.0 / Math.sqrt(c.headDim()));
        this.x = new float[maxTokens * c.nEmbd()];
        this.xn = new float[maxTokens * c.nEmbd()];
        this.q = new float[maxTokens * c.qDim()];
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
        int widest = Math.max(Math.max(c.nEmbd(), c.qDim()), c.nFf());
        for (ActivationFormat f : ActivationFormat.values()) {
            if (f != ActivationFormat.F32) {
                prepared[f.ordinal()] = new float[Math.max(maxTokens, maxLogits) * widest];
            }
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
        parallelPerToken(t, embedTask);
        for (int l = 0; l < c.nLayer(); l++) {
            layerIndex = l;
            layer = weights.layer(l);
            parallelPerToken(t, attnNormTask);
            float[] xq = input(xn, t, layer.wq());
            float[] xk = input(xn, t, layer.wk(), layer.wq(), xq);
            float[] xv = input(xn, t, layer.wv(), layer.wk(), xk);
            matmul.run(t, layer.wq(), xq, q, layer.wk(), xk, k, layer.wv(), xv, v);
            parallelPerToken(t, qkvPostTask);
            // few tokens (decode): one task per query head balances the threads; more tokens: one per KV
            // head, so each K/V row is read once for the whole group. Same arithmetic either way.
            perHeadAttention = t * c.nHeadKv() < 4 * pool.parallelism();
            pool.run(t * (perHeadAttention ? c.nHead() : c.nHeadKv()), attentionTask);
            matmul.run(t, layer.wo(), input(attn, t, layer.wo()), proj);
            parallelPerToken(t, residualTask);
            parallelPerToken(t, ffnNormTask);
            float[] xg = input(xn, t, layer.wGate());
            matmul.run(t, layer.wGate(), xg, gate, layer.wUp(), input(xn, t, layer.wUp(), layer.wGate(), xg), up);
            parallelPerToken(t, swigluTask);
            matmul.run(t, layer.wDown(), input(gate, t, layer.wDown()), proj);
            parallelPerToken(t, residualTask);
        }
        int n = b.logitCount();
        parallelPerToken(n, finalNormTask);
        matmul.run(n, weights.output(), input(logitIn, n, weights.output()), logits);
        batch = null;
        layer = null;
        return logits;
    }

    /**
     * The activations {@code src} ({@code [t × w.cols()]}) as the weight format {@code w} expects them
     * (see {@link ActivationFormat}); one buffer per format.
     */
    private float[] input(float[] src, int t, WeightMatrix w) {
        ActivationFormat f = ActivationFormat.forWeights(w.type());
        if (f == ActivationFormat.F32) {
            return src;
        }
        float[] dst = prepared[f.ordinal()];
        ActivationQuantizer.apply(f, src, dst, t, w.cols());
        return dst;
    }

    /** {@link #input} for a second matrix reading the same source: reuses {@code done} if formats agree. */
    private float[] input(float[] src, int t, WeightMatrix w, WeightMatrix doneFor, float[] done) {
        return ActivationFormat.forWeights(w.type()) == ActivationFormat.forWeights(doneFor.type())
                ? done : input(src, t, w);
    }

    /** Small per-token work runs inline; only larger batches pay the pool hand-off. */
    private void parallelPerToken(int n, ComputePool.Task task) {
        if (n < 8) {
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
        Activations.rmsNorm(x, batch.logitToken(j) * c.nEmbd(), weights.outputNorm(), logitIn, j * c.nEmbd(),
                c.nEmbd(), c.rmsEps());
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
        // llama.cpp keeps the KV cache in F16 and converts Q to F16 for the K·Q products; round the
        // same way so attention sees the values the reference implementation sees.
        roundF16(q, qOff, c.qDim());
        roundF16(k, kOff, c.kvDim());
        roundF16(v, kOff, c.kvDim());
        int row = kv.rowOffset(batch.blockTable(batch.sequence(i)), batch.position(i));
        System.arraycopy(k, kOff, kv.keys(layerIndex), row, c.kvDim());
        System.arraycopy(v, kOff, kv.values(layerIndex), row, c.kvDim());
    }

    private static void roundF16(float[] a, int off, int n) {
        F16.roundInPlace(a, off, n);
    }

    private void attention(int task) {
        int heads = perHeadAttention ? c.nHead() : c.nHeadKv();
        int i = task / heads;
        int h = task % heads;
        int nPos = batch.position(i) + 1;
        int group = perHeadAttention ? 1 : c.groupSize();
        int firstHead = perHeadAttention ? h : h * c.groupSize();
        int kvHead = perHeadAttention ? h / c.groupSize() : h;
        float[] s = scores.get();
        if (s.length < group * (c.headDim() + 2)) {
            s = new float[group * (c.headDim() + 2)];
            scores.set(s);
        }
        Attention.attend(q, i * c.qDim(), attn, i * c.qDim(), firstHead, group, kvHead, c.headDim(),
                kv.keys(layerIndex), kv.values(layerIndex), c.kvDim(), batch.blockTable(batch.sequence(i)),
                kv.blockSize(), nPos, attnScale, s);
    }
}

package dev.llmstream.engine.cpu.model;

import dev.llmstream.engine.cpu.tensor.Numerics;
import dev.llmstream.engine.cpu.tensor.WeightMatrices;
import dev.llmstream.engine.cpu.tensor.WeightMatrix;
import dev.llmstream.gguf.GgmlType;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.GgufFormatException;
import dev.llmstream.gguf.GgufTensorInfo;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * All weights of a model, as zero-copy views over the mapped GGUF (tensor names and shapes per
 * llama.cpp's conventions: {@code token_embd.weight [n_embd, n_vocab]}, {@code blk.N.attn_q.weight},
 * ...). Shapes are checked against the config so a mismatched file fails at load with the tensor's
 * name, not with garbage output.
 */
public final class ModelWeights {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final ModelConfig config;
    private final WeightMatrix tokenEmbedding;
    private final LayerWeights[] layers;
    private final float[] outputNorm;
    private final WeightMatrix output;
    private final float[] ropeFreqDivisors;
    private final Numerics numerics;

    private ModelWeights(ModelConfig config, WeightMatrix tokenEmbedding, LayerWeights[] layers, float[] outputNorm,
                         WeightMatrix output, float[] ropeFreqDivisors, Numerics numerics) {
        this.config = config;
        this.numerics = numerics;
        this.tokenEmbedding = tokenEmbedding;
        this.layers = layers;
        this.outputNorm = outputNorm;
        this.output = output;
        this.ropeFreqDivisors = ropeFreqDivisors;
    }

    public static ModelWeights load(GgufFile file, ModelConfig c) {
        return load(file, c, Numerics.EXACT);
    }

    /** The weights with the matmul kernels of {@code numerics} (see {@link Numerics}). */
    public static ModelWeights load(GgufFile file, ModelConfig c, Numerics numerics) {
        Loader l = new Loader(file, numerics);
        WeightMatrix embd = l.matrix("token_embd.weight", c.vocabSize(), c.nEmbd());
        LayerWeights[] layers = new LayerWeights[c.nLayer()];
        for (int i = 0; i < c.nLayer(); i++) {
            String b = "blk." + i + ".";
            Architecture a = c.arch();
            layers[i] = new LayerWeights(
                    l.vector(b + "attn_norm.weight", c.nEmbd()),
                    l.matrix(b + "attn_q.weight", c.qDim(), c.nEmbd()),
                    l.matrix(b + "attn_k.weight", c.kvDim(), c.nEmbd()),
                    l.matrix(b + "attn_v.weight", c.kvDim(), c.nEmbd()),
                    l.matrix(b + "attn_output.weight", c.nEmbd(), c.qDim()),
                    a.qkvBias() ? l.vector(b + "attn_q.bias", c.qDim()) : l.optionalVector(b + "attn_q.bias", c.qDim()),
                    a.qkvBias() ? l.vector(b + "attn_k.bias", c.kvDim()) : l.optionalVector(b + "attn_k.bias", c.kvDim()),
                    a.qkvBias() ? l.vector(b + "attn_v.bias", c.kvDim()) : l.optionalVector(b + "attn_v.bias", c.kvDim()),
                    a.qkNorm() ? l.vector(b + "attn_q_norm.weight", c.headDim()) : null,
                    a.qkNorm() ? l.vector(b + "attn_k_norm.weight", c.headDim()) : null,
                    l.vector(b + "ffn_norm.weight", c.nEmbd()),
                    l.matrix(b + "ffn_gate.weight", c.nFf(), c.nEmbd()),
                    l.matrix(b + "ffn_up.weight", c.nFf(), c.nEmbd()),
                    l.matrix(b + "ffn_down.weight", c.nEmbd(), c.nFf()));
        }
        float[] outNorm = l.vector("output_norm.weight", c.nEmbd());
        WeightMatrix out = c.tiedEmbeddings() ? embd : l.matrix("output.weight", c.vocabSize(), c.nEmbd());
        float[] freqs = l.optionalVector("rope_freqs.weight", c.ropeDim() / 2);
        return new ModelWeights(c, embd, layers, outNorm, out, freqs, numerics);
    }

    public ModelConfig config() {
        return config;
    }

    /** The numerics the weights were loaded for; the forward pass's attention follows them too. */
    public Numerics numerics() {
        return numerics;
    }

    public WeightMatrix tokenEmbedding() {
        return tokenEmbedding;
    }

    public LayerWeights layer(int i) {
        return layers[i];
    }

    public float[] outputNorm() {
        return outputNorm;
    }

    public WeightMatrix output() {
        return output;
    }

    /** Per-pair RoPE frequency divisors from {@code rope_freqs.weight} (Llama 3.1+), or null. */
    public float[] ropeFreqDivisors() {
        return ropeFreqDivisors;
    }

    /** Bytes of weights one decode step streams (all layers + output head). */
    public long decodeBytes() {
        long n = output.byteSize();
        for (LayerWeights lw : layers) {
            n += lw.matrixBytes();
        }
        return n;
    }

    /** Tensor lookup with shape checks. */
    private record Loader(GgufFile file, Numerics numerics) {
        WeightMatrix matrix(String name, int rows, int cols) {
            GgufTensorInfo t = info(name);
            if (t.nDims() != 2 || t.dim(0) != cols || t.dim(1) != rows) {
                throw new GgufFormatException(-1, name, "expected shape [" + cols + ", " + rows + "], got "
                        + java.util.Arrays.toString(t.shape()));
            }
            try {
                return WeightMatrices.of(t.type(), file.tensorData(t), rows, cols, numerics);
            } catch (IllegalArgumentException e) {
                throw new GgufFormatException(-1, name, e.getMessage());
            }
        }

        float[] vector(String name, int n) {
            GgufTensorInfo t = info(name);
            if (t.nElements() != n || t.type() != GgmlType.F32) {
                throw new GgufFormatException(-1, name, "expected " + n + " F32 values, got "
                        + t.nElements() + " " + t.type());
            }
            float[] v = new float[n];
            MemorySegment.copy(file.tensorData(t), F32, 0, v, 0, n);
            return v;
        }

        float[] optionalVector(String name, int n) {
            return file.tensor(name).isPresent() ? vector(name, n) : null;
        }

        private GgufTensorInfo info(String name) {
            return file.tensor(name).orElseThrow(() -> new GgufFormatException(-1, name, "tensor is missing"));
        }
    }
}

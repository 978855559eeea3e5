package dev.llmstream.model;

import dev.llmstream.gguf.GgmlType;
import dev.llmstream.gguf.GgufValue;
import dev.llmstream.gguf.GgufWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything about a synthesized file except its weight values: the metadata and the tensor list
 * with names, ggml shapes, types and initializers, laid out as llama.cpp's loaders expect them
 * ({@code load_arch_tensors} of src/models/llama.cpp, qwen2.cpp, qwen3.cpp):
 *
 * <pre>
 *   token_embd.weight          [n_embd, n_vocab]             weight type
 *   rope_freqs.weight          [head_dim / 2]                F32   (llama3 RoPE scaling only)
 *   blk.N.attn_norm.weight     [n_embd]                      F32
 *   blk.N.attn_q.weight        [n_embd, n_head * head_dim]   weight type   (+ attn_q.bias [..] F32, qwen2)
 *   blk.N.attn_k.weight        [n_embd, n_head_kv * head_dim]              (+ attn_k.bias, qwen2)
 *   blk.N.attn_v.weight        [n_embd, n_head_kv * head_dim]              (+ attn_v.bias, qwen2)
 *   blk.N.attn_q_norm.weight   [head_dim]                    F32   (qwen3; also attn_k_norm)
 *   blk.N.attn_output.weight   [n_head * head_dim, n_embd]
 *   blk.N.ffn_norm.weight      [n_embd]                      F32
 *   blk.N.ffn_gate.weight      [n_embd, n_ff]   ffn_up.weight [n_embd, n_ff]   ffn_down.weight [n_ff, n_embd]
 *   output_norm.weight         [n_embd]                      F32
 *   output.weight              [n_embd, n_vocab]             (untied only)
 * </pre>
 *
 * "weight type" is {@link QuantMix#typeOf}: the {@code --quant} type for uniform types, llama.cpp's
 * per-tensor choice for the K-quant types and mixes.
 *
 * <p>A plan can be inspected (sizes, parameter count, file layout) without producing any data, which
 * is how the tests check a 386 MB shape without writing it.
 */
public final class SynthPlan {
    private final SynthOptions options;
    private final ModelShape shape;
    private final Map<String, GgufValue> metadata;
    private final List<PlannedTensor> tensors;

    private SynthPlan(SynthOptions options, ModelShape shape, Map<String, GgufValue> metadata,
                      List<PlannedTensor> tensors) {
        this.options = options;
        this.shape = shape;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = List.copyOf(tensors);
    }

    /** Resolves the vocabulary (generated or copied) and plans the file; validates the shape. */
    public static SynthPlan create(SynthOptions o) throws IOException {
        ModelShape shape = o.shape();
        Map<String, GgufValue> tokenizer;
        if (o.vocabFrom().isPresent()) {
            tokenizer = TokenizerMetadata.copiedFrom(o.vocabFrom().get());
            int n = TokenizerMetadata.vocabSize(tokenizer);
            if (o.strictVocabSize() && n != shape.nVocab()) {
                throw new IllegalArgumentException("--vocab-size " + shape.nVocab() + " contradicts --vocab-from "
                        + o.vocabFrom().get() + ", which has " + n + " tokens");
            }
            shape = shape.toBuilder().nVocab(n).build();
            shape.validate(o.weightType());
        } else {
            shape.validate(o.weightType());
            tokenizer = TokenizerMetadata.generated(shape.nVocab());
        }
        return new SynthPlan(o, shape, metadata(o, shape, tokenizer), tensors(shape, o.weightType()));
    }

    private static Map<String, GgufValue> metadata(SynthOptions o, ModelShape s, Map<String, GgufValue> tokenizer) {
        String a = s.architecture() + ".";
        int hd = s.effectiveHeadDim();
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("general.architecture", GgufValue.ofString(s.architecture()));
        md.put("general.type", GgufValue.ofString("model"));
        md.put("general.name", GgufValue.ofString(o.name().orElse("synth-" + s.name())));
        md.put("general.description", GgufValue.ofString(String.format(Locale.ROOT,
                "Random-weight synthetic model (llmstream model synth: shape %s, seed %d, %s). Not trained:"
                        + " its output is pseudo-text.", s.name(), o.seed(), o.weightType())));
        md.put("general.file_type", GgufValue.ofUint32(o.weightType().fileType()));
        md.put(a + "vocab_size", GgufValue.ofUint32(s.nVocab()));
        md.put(a + "context_length", GgufValue.ofUint32(s.contextLength()));
        md.put(a + "embedding_length", GgufValue.ofUint32(s.nEmbd()));
        md.put(a + "block_count", GgufValue.ofUint32(s.nLayer()));
        md.put(a + "feed_forward_length", GgufValue.ofUint32(s.nFf()));
        md.put(a + "attention.head_count", GgufValue.ofUint32(s.nHead()));
        md.put(a + "attention.head_count_kv", GgufValue.ofUint32(s.nHeadKv()));
        md.put(a + "attention.key_length", GgufValue.ofUint32(hd));
        md.put(a + "attention.value_length", GgufValue.ofUint32(hd));
        md.put(a + "attention.layer_norm_rms_epsilon", GgufValue.ofFloat32(s.rmsEps()));
        md.put(a + "rope.freq_base", GgufValue.ofFloat32(s.ropeTheta()));
        md.put(a + "rope.dimension_count", GgufValue.ofUint32(hd));
        // llama3 scaling has no keys in llama.cpp (a rope.scaling.type of "llama3" would fail its
        // loader, and rope.scaling.factor would add linear scaling): it is rope_freqs.weight alone.
        md.putAll(tokenizer);
        md.put("general.quantization_version", GgufValue.ofUint32(2));
        return md;
    }

    private static List<PlannedTensor> tensors(ModelShape s, WeightType wt) {
        int e = s.nEmbd();
        int hd = s.effectiveHeadDim();
        int q = s.nHead() * hd;
        int kv = s.nHeadKv() * hd;
        List<PlannedTensor> out = new ArrayList<>();
        out.add(new PlannedTensor("token_embd.weight", new long[] {e, s.nVocab()},
                QuantMix.typeOf(wt, s, "token_embd.weight", e),
                s.tied() ? WeightInit.outputHead(e) : new WeightInit.Gaussian(0, 1)));
        s.llama3Rope().ifPresent(r -> out.add(new PlannedTensor("rope_freqs.weight", new long[] {hd / 2},
                GgmlType.F32, WeightInit.llama3RopeFactors(r, s.ropeTheta(), hd))));
        for (int i = 0; i < s.nLayer(); i++) {
            String b = "blk." + i + ".";
            out.add(norm(b + "attn_norm.weight", e));
            out.add(matrix(b + "attn_q.weight", e, q, wt, s));
            if (s.qkvBias()) {
                out.add(new PlannedTensor(b + "attn_q.bias", new long[] {q}, GgmlType.F32, WeightInit.bias()));
            }
            out.add(matrix(b + "attn_k.weight", e, kv, wt, s));
            if (s.qkvBias()) {
                out.add(new PlannedTensor(b + "attn_k.bias", new long[] {kv}, GgmlType.F32, WeightInit.bias()));
            }
            out.add(matrix(b + "attn_v.weight", e, kv, wt, s));
            if (s.qkvBias()) {
                out.add(new PlannedTensor(b + "attn_v.bias", new long[] {kv}, GgmlType.F32, WeightInit.bias()));
            }
            if (s.qkNorm()) {
                out.add(norm(b + "attn_q_norm.weight", hd));
                out.add(norm(b + "attn_k_norm.weight", hd));
            }
            out.add(matrix(b + "attn_output.weight", q, e, wt, s));
            out.add(norm(b + "ffn_norm.weight", e));
            out.add(matrix(b + "ffn_gate.weight", e, s.nFf(), wt, s));
            out.add(matrix(b + "ffn_up.weight", e, s.nFf(), wt, s));
            out.add(matrix(b + "ffn_down.weight", s.nFf(), e, wt, s));
        }
        out.add(norm("output_norm.weight", e));
        if (!s.tied()) {
            out.add(new PlannedTensor("output.weight", new long[] {e, s.nVocab()},
                    QuantMix.typeOf(wt, s, "output.weight", e), WeightInit.outputHead(e)));
        }
        return out;
    }

    private static PlannedTensor norm(String name, int n) {
        return new PlannedTensor(name, new long[] {n}, GgmlType.F32, WeightInit.normGain());
    }

    private static PlannedTensor matrix(String name, int in, int out, WeightType wt, ModelShape s) {
        return new PlannedTensor(name, new long[] {in, out}, QuantMix.typeOf(wt, s, name, in),
                WeightInit.projection(in));
    }

    public SynthOptions options() {
        return options;
    }

    /** The shape actually planned (with the vocabulary size of a copied tokenizer). */
    public ModelShape shape() {
        return shape;
    }

    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    List<PlannedTensor> tensors() {
        return tensors;
    }

    public int tensorCount() {
        return tensors.size();
    }

    /** How many tensors of each type the file holds (K-quant mixes and fallbacks make several). */
    public Map<GgmlType, Integer> tensorTypeCounts() {
        Map<GgmlType, Integer> counts = new EnumMap<>(GgmlType.class);
        for (PlannedTensor t : tensors) {
            counts.merge(t.type(), 1, Integer::sum);
        }
        return Collections.unmodifiableMap(counts);
    }

    public long parameterCount() {
        long n = 0;
        for (PlannedTensor t : tensors) {
            n += t.nElements();
        }
        return n;
    }

    /** A writer for this plan whose tensor data is generated lazily, in parallel, while writing. */
    public GgufWriter writer() {
        GgufWriter w = new GgufWriter().parallelism(options.threads());
        w.putAll(metadata);
        for (PlannedTensor t : tensors) {
            w.addTensor(t.name(), t.shape(), t.type(), WeightGenerator.source(t, options.seed()));
        }
        return w;
    }

    /** Header size, offsets and file size, computed without generating any weight. */
    public GgufWriter.Layout layout() {
        return writer().layout();
    }
}

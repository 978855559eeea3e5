package dev.llmstream.model;

import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.GgufFormatException;
import dev.llmstream.gguf.GgufMetadata;
import dev.llmstream.gguf.GgufTensorInfo;
import dev.llmstream.gguf.GgufValueType;
import dev.llmstream.gguf.ModelHparams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Builds a {@link ModelReport} from a GGUF file. Only the header is read (tensor data stays
 * mapped, untouched), so inspecting a multi-GB model is instant. Whatever part of the metadata is
 * unusable is reported rather than fatal: a vocab-only file has {@code shape = null} with the
 * reason, special ids outside the vocabulary are marked invalid. A file that is not valid GGUF at
 * all is a {@link GgufFormatException}.
 */
public final class ModelInspector {
    /** {@code llama_ftype} names (include/llama.h) of the values in use. */
    private static final Map<Long, String> FILE_TYPES = Map.ofEntries(
            Map.entry(0L, "ALL_F32"), Map.entry(1L, "MOSTLY_F16"), Map.entry(2L, "MOSTLY_Q4_0"),
            Map.entry(3L, "MOSTLY_Q4_1"), Map.entry(7L, "MOSTLY_Q8_0"), Map.entry(8L, "MOSTLY_Q5_0"),
            Map.entry(9L, "MOSTLY_Q5_1"), Map.entry(10L, "MOSTLY_Q2_K"), Map.entry(11L, "MOSTLY_Q3_K_S"),
            Map.entry(12L, "MOSTLY_Q3_K_M"), Map.entry(13L, "MOSTLY_Q3_K_L"), Map.entry(14L, "MOSTLY_Q4_K_S"),
            Map.entry(15L, "MOSTLY_Q4_K_M"), Map.entry(16L, "MOSTLY_Q5_K_S"), Map.entry(17L, "MOSTLY_Q5_K_M"),
            Map.entry(18L, "MOSTLY_Q6_K"), Map.entry(32L, "MOSTLY_BF16"));

    private ModelInspector() {}

    public static ModelReport inspect(Path path) throws IOException {
        try (GgufFile f = GgufFile.open(path)) {
            return inspect(f);
        }
    }

    public static ModelReport inspect(GgufFile f) {
        GgufMetadata md = f.metadata();
        Map<String, Integer> types = new TreeMap<>();
        long params = 0;
        for (GgufTensorInfo t : f.tensors()) {
            types.merge(t.type().name(), 1, Integer::sum);
            params += t.nElements();
        }
        ModelReport.Shape shape = null;
        String shapeError = null;
        try {
            shape = shape(ModelHparams.from(f));
        } catch (GgufFormatException e) {
            shapeError = e.getMessage();
        }
        OptionalLong fileType = integer(md, "general.file_type");
        return new ModelReport(f.path().toAbsolutePath().toString(), f.fileSize(), f.version(), f.alignment(),
                f.dataOffset(), md.size(), string(md, "general.architecture"), string(md, "general.name"),
                fileType.isPresent() ? fileType.getAsLong() : null,
                fileType.isPresent() ? FILE_TYPES.get(fileType.getAsLong()) : null,
                params, f.tensors().size(), Collections.unmodifiableMap(types), shape, shapeError, tokenizer(md));
    }

    private static ModelReport.Shape shape(ModelHparams h) {
        ModelHparams.RopeScaling r = h.ropeScaling();
        ModelReport.RopeScaling rope = new ModelReport.RopeScaling(r.type().name(), r.factor(),
                r.originalContextLength(),
                r.lowFreqFactor().isPresent() ? r.lowFreqFactor().getAsDouble() : null,
                r.highFreqFactor().isPresent() ? r.highFreqFactor().getAsDouble() : null,
                r.freqFactorsTensor());
        return new ModelReport.Shape(h.nEmbd(), h.nLayer(), h.nHead(), h.nHeadKv(), h.headDim(), h.valueHeadDim(),
                h.nFf(), h.nVocab(), h.contextLength(), h.ropeFreqBase(), h.ropeDimensionCount(), rope, h.rmsEps(),
                h.tiedEmbeddings(), h.qkvBias(), h.qkNorm());
    }

    private static ModelReport.Tokenizer tokenizer(GgufMetadata md) {
        String model = string(md, "tokenizer.ggml.model");
        if (model == null) {
            return null;
        }
        String[] tokens = new String[0];
        if (md.get("tokenizer.ggml.tokens").map(v -> v.type() == GgufValueType.ARRAY
                && v.asArray().elementType() == GgufValueType.STRING).orElse(false)) {
            tokens = md.requireArray("tokenizer.ggml.tokens").strings();
        }
        Map<String, ModelReport.SpecialToken> special = new LinkedHashMap<>();
        special.put("bos", special(md, "tokenizer.ggml.bos_token_id", tokens));
        special.put("eos", special(md, "tokenizer.ggml.eos_token_id", tokens));
        special.put("unk", special(md, "tokenizer.ggml.unknown_token_id", tokens));
        special.put("pad", special(md, "tokenizer.ggml.padding_token_id", tokens));
        String template = string(md, "tokenizer.chat_template");
        return new ModelReport.Tokenizer(model, string(md, "tokenizer.ggml.pre"), tokens.length,
                bool(md, "tokenizer.ggml.add_bos_token"), bool(md, "tokenizer.ggml.add_eos_token"),
                Collections.unmodifiableMap(special),
                new ModelReport.ChatTemplate(template != null, template == null ? 0 : template.length()));
    }

    private static ModelReport.SpecialToken special(GgufMetadata md, String key, String[] tokens) {
        OptionalLong id = integer(md, key);
        if (id.isEmpty()) {
            return null;
        }
        long v = id.getAsLong();
        boolean valid = v >= 0 && v < tokens.length;
        return new ModelReport.SpecialToken(v, valid ? tokens[(int) v] : null, valid);
    }

    // Lenient readers: a key of an unexpected type is reported as absent, not fatal.
    private static String string(GgufMetadata md, String key) {
        return md.get(key).filter(v -> v.type() == GgufValueType.STRING).map(v -> v.asString()).orElse(null);
    }

    private static OptionalLong integer(GgufMetadata md, String key) {
        return md.get(key).filter(v -> v.isInteger()).map(v -> OptionalLong.of(v.asLong())).orElse(OptionalLong.empty());
    }

    private static Boolean bool(GgufMetadata md, String key) {
        return md.get(key).filter(v -> v.type() == GgufValueType.BOOL).map(v -> v.asBoolean()).orElse(null);
    }
}

package dev.llmstream.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * What {@code model inspect} reports about a GGUF file. {@link #toJson()} prints it as one JSON
 * object whose shape is stable: every key below is always present (null when unknown), keys are
 * snake_case, in this order.
 *
 * <pre>
 * {
 *   "file": "/abs/path.gguf", "file_size": 1185376, "gguf_version": 3, "alignment": 32,
 *   "data_offset": 19744, "metadata_count": 24,
 *   "architecture": "llama" | null, "name": "..." | null,
 *   "file_type": 7 | null, "file_type_name": "MOSTLY_Q8_0" | null,
 *   "parameter_count": 292800, "tensor_count": 48, "tensor_types": {"F32": 9, "Q8_0": 30},
 *   "shape": {                                   // null when the metadata has no model shape
 *     "n_embd", "n_layer", "n_head", "n_head_kv", "head_dim", "value_head_dim", "n_ff", "n_vocab",
 *     "context_length", "rope_freq_base", "rope_dimension_count",
 *     "rope_scaling": {"type": "NONE|LINEAR|YARN|LONGROPE|LLAMA3", "factor", "original_context_length",
 *                      "low_freq_factor": x | null, "high_freq_factor": x | null, "freq_factors_tensor"},
 *     "rms_eps", "tied_embeddings", "qkv_bias", "qk_norm"
 *   },
 *   "shape_error": null | "why the shape could not be read (e.g. a vocab-only file)",
 *   "tokenizer": {                               // null when there is no tokenizer.ggml.model
 *     "model": "llama", "pre": "qwen2" | null, "vocab_size": 32000,
 *     "add_bos": true | null, "add_eos": false | null,
 *     "special": {"bos": {"id": 1, "text": "<s>", "valid": true}, "eos": ..., "unk": ..., "pad": ...},
 *                // an entry is null when its key is absent; "valid": false (text null) when the id
 *                // is outside the vocabulary, e.g. 4294967295
 *     "chat_template": {"present": true, "length": 1234}
 *   }
 * }
 * </pre>
 */
public record ModelReport(
        String file,
        long fileSize,
        int ggufVersion,
        int alignment,
        long dataOffset,
        int metadataCount,
        String architecture,
        String name,
        Long fileType,
        String fileTypeName,
        long parameterCount,
        int tensorCount,
        Map<String, Integer> tensorTypes,
        Shape shape,
        String shapeError,
        Tokenizer tokenizer) {

    public record Shape(int nEmbd, int nLayer, int nHead, int nHeadKv, int headDim, int valueHeadDim, int nFf,
                        int nVocab, int contextLength, float ropeFreqBase, int ropeDimensionCount,
                        RopeScaling ropeScaling, float rmsEps, boolean tiedEmbeddings, boolean qkvBias,
                        boolean qkNorm) {}

    public record RopeScaling(String type, float factor, int originalContextLength, Double lowFreqFactor,
                              Double highFreqFactor, boolean freqFactorsTensor) {}

    public record Tokenizer(String model, String pre, int vocabSize, Boolean addBos, Boolean addEos,
                            Map<String, SpecialToken> special, ChatTemplate chatTemplate) {}

    /** A special token id as stored (unsigned), its text, and whether it names a token at all. */
    public record SpecialToken(long id, String text, boolean valid) {}

    public record ChatTemplate(boolean present, int length) {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    /** The report as one line of JSON (see the class comment for its shape). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

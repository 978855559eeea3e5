package dev.llmstream.model;

import dev.llmstream.gguf.GgufArray;
import dev.llmstream.gguf.GgufFile;
import dev.llmstream.gguf.GgufFormatException;
import dev.llmstream.gguf.GgufValue;
import dev.llmstream.gguf.GgufValueType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code tokenizer.*} metadata of a synthesized model: either copied verbatim from another GGUF
 * (tokens, scores, types, merges, special ids, flags, chat template -- every key under
 * {@code tokenizer.}, in that file's order and types), or built from a {@link VocabGenerator}
 * vocabulary with these decisions:
 *
 * <ul>
 *   <li>{@code tokenizer.ggml.model = llama} (SentencePiece-style BPE over scores, byte fallback);</li>
 *   <li>BOS {@code <s>} (1), added to prompts ({@code add_bos_token = true}, as SPM models do);</li>
 *   <li>EOS {@code <|im_end|>} (4): the ChatML end of turn, so chat replies stop where the template
 *       ends an assistant turn (llama.cpp also treats {@code <|im_end|>} as end-of-generation by its
 *       text); {@code </s>} (2) is kept as a control token and is the padding id;</li>
 *   <li>UNK {@code <unk>} (0); {@code add_space_prefix = true} (SentencePiece's dummy prefix);</li>
 *   <li>{@code tokenizer.chat_template}: plain ChatML ({@link #CHATML_TEMPLATE}).</li>
 * </ul>
 */
final class TokenizerMetadata {
    /** ChatML, the format of the {@code <|im_start|>}/{@code <|im_end|>} tokens (Qwen, SmolLM2). */
    static final String CHATML_TEMPLATE = "{% for message in messages %}"
            + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private TokenizerMetadata() {}

    static Map<String, GgufValue> generated(int vocabSize) {
        VocabGenerator.Vocab v = VocabGenerator.generate(vocabSize);
        Map<String, GgufValue> md = new LinkedHashMap<>();
        md.put("tokenizer.ggml.model", GgufValue.ofString("llama"));
        md.put("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings(v.tokens().toArray(String[]::new))));
        md.put("tokenizer.ggml.scores", GgufValue.ofArray(GgufArray.ofFloats(v.scores())));
        md.put("tokenizer.ggml.token_type", GgufValue.ofArray(GgufArray.ofInts(v.types())));
        md.put("tokenizer.ggml.bos_token_id", GgufValue.ofUint32(VocabGenerator.BOS_ID));
        md.put("tokenizer.ggml.eos_token_id", GgufValue.ofUint32(VocabGenerator.IM_END_ID));
        md.put("tokenizer.ggml.unknown_token_id", GgufValue.ofUint32(VocabGenerator.UNK_ID));
        md.put("tokenizer.ggml.padding_token_id", GgufValue.ofUint32(VocabGenerator.EOS_S_ID));
        md.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(true));
        md.put("tokenizer.ggml.add_eos_token", GgufValue.ofBool(false));
        md.put("tokenizer.ggml.add_space_prefix", GgufValue.ofBool(true));
        md.put("tokenizer.chat_template", GgufValue.ofString(CHATML_TEMPLATE));
        return md;
    }

    /** Every {@code tokenizer.*} entry of {@code file}, verbatim and in order. */
    static Map<String, GgufValue> copiedFrom(Path file) throws IOException {
        Map<String, GgufValue> md = new LinkedHashMap<>();
        try (GgufFile f = GgufFile.open(file)) {
            f.metadata().asMap().forEach((k, v) -> {
                if (k.startsWith("tokenizer.")) {
                    md.put(k, v);
                }
            });
        }
        if (!md.containsKey("tokenizer.ggml.tokens")) {
            throw new IllegalArgumentException("--vocab-from " + file + " has no tokenizer.ggml.tokens");
        }
        vocabSize(md);
        return md;
    }

    /** Length of the token list. */
    static int vocabSize(Map<String, GgufValue> md) {
        GgufValue tokens = md.get("tokenizer.ggml.tokens");
        if (tokens == null || tokens.type() != GgufValueType.ARRAY
                || tokens.asArray().elementType() != GgufValueType.STRING) {
            throw new GgufFormatException(-1, "tokenizer.ggml.tokens", "must be an array of strings");
        }
        return tokens.asArray().length();
    }
}

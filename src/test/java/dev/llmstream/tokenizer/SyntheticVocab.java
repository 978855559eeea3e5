package dev.llmstream.tokenizer;

import dev.llmstream.gguf.GgufArray;
import dev.llmstream.gguf.GgufMetadata;
import dev.llmstream.gguf.GgufValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds small tokenizer metadata in memory, for cases no shared file has. */
final class SyntheticVocab {
    private final Map<String, GgufValue> keys = new LinkedHashMap<>();
    private final List<String> tokens = new ArrayList<>();
    private final List<Float> scores = new ArrayList<>();
    private final List<Integer> types = new ArrayList<>();

    private SyntheticVocab(String model) {
        keys.put("tokenizer.ggml.model", GgufValue.ofString(model));
    }

    /** An SPM vocabulary: {@code <unk> <s> </s>}, the 256 byte tokens, then what is added. */
    static SyntheticVocab spm() {
        SyntheticVocab v = new SyntheticVocab("llama");
        v.token("<unk>", 0, 2).token("<s>", 0, 3).token("</s>", 0, 3);
        for (int b = 0; b < 256; b++) {
            v.token(String.format("<0x%02X>", b), 0, 6);
        }
        return v;
    }

    static SyntheticVocab of(String model) {
        return new SyntheticVocab(model);
    }

    SyntheticVocab token(String text, float score, int type) {
        tokens.add(text);
        scores.add(score);
        types.add(type);
        return this;
    }

    SyntheticVocab normal(String text, float score) {
        return token(text, score, 1);
    }

    SyntheticVocab key(String key, GgufValue value) {
        keys.put(key, value);
        return this;
    }

    SyntheticVocab uint32(String key, long value) {
        return key(key, GgufValue.ofUint32(value));
    }

    SyntheticVocab strings(String key, String... values) {
        return key(key, GgufValue.ofArray(GgufArray.ofStrings(values)));
    }

    int idOf(String text) {
        return tokens.lastIndexOf(text);
    }

    GgufMetadata metadata() {
        Map<String, GgufValue> all = new LinkedHashMap<>(keys);
        float[] s = new float[scores.size()];
        int[] t = new int[types.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
            t[i] = types.get(i);
        }
        all.putIfAbsent("tokenizer.ggml.tokens", GgufValue.ofArray(GgufArray.ofStrings(tokens.toArray(String[]::new))));
        all.putIfAbsent("tokenizer.ggml.scores", GgufValue.ofArray(GgufArray.ofFloats(s)));
        all.putIfAbsent("tokenizer.ggml.token_type", GgufValue.ofArray(GgufArray.ofInts(t)));
        return new GgufMetadata(all);
    }

    Tokenizer build() {
        return Tokenizer.fromGguf(metadata());
    }
}

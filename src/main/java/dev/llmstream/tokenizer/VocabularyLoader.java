package dev.llmstream.tokenizer;

import dev.llmstream.gguf.GgufArray;
import dev.llmstream.gguf.GgufFormatException;
import dev.llmstream.gguf.GgufMetadata;
import dev.llmstream.gguf.GgufValue;
import dev.llmstream.gguf.GgufValueType;
import dev.llmstream.tokenizer.SpecialTokenIds.Role;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a {@link Vocabulary} from GGUF metadata the way llama.cpp's {@code llama_vocab::impl::load}
 * does: kind from {@code tokenizer.ggml.model}, defaults per kind and pre-tokenizer, then the file's
 * keys, then the special-token heuristics ({@link SpecialTokenRules}).
 *
 * <p>Tolerated as llama.cpp tolerates them: a special id outside the vocabulary (e.g. stories260K's
 * {@code 0xFFFFFFFF} padding id) leaves the kind's default; an empty token text becomes
 * {@code [EMPTY_<id>]}; a missing score or type array means score 0 / normal. Where llama.cpp would
 * abort, a model that asks for BOS/EOS but has none simply gets none added. Malformed required data
 * (no token list, arrays shorter than it) is a {@link GgufFormatException}; an unknown model or
 * pre-tokenizer an {@link UnsupportedTokenizerException}.
 */
final class VocabularyLoader {
    private static final String P = "tokenizer.ggml.";

    private VocabularyLoader() {}

    /** Mutable state while loading: what the defaults, pre-tokenizer and keys decide. */
    private static final class Settings {
        final int[] ids = new int[Role.values().length];
        PreTokenizer preTokenizer;
        boolean addBos;
        boolean addEos;
        boolean addSpacePrefix;
        boolean cleanSpaces;
        boolean ignoreMerges;

        Settings() {
            Arrays.fill(ids, -1);
        }

        void set(Role r, int id) {
            ids[r.ordinal()] = id;
        }
    }

    static Vocabulary load(GgufMetadata md) {
        String model = md.getString(P + "model").orElseThrow(
                () -> new GgufFormatException(-1, P + "model", "no tokenizer model in this file"));
        String pre = md.getString(P + "pre").orElse("");
        TokenizerKind kind = Arrays.stream(TokenizerKind.values())
                .filter(k -> k.ggufModel().equals(model)).findFirst()
                .orElseThrow(() -> new UnsupportedTokenizerException("unsupported tokenizer model '" + model
                        + "' (supported: llama, gpt2, bert)"));

        Settings s = new Settings();
        switch (kind) {
            case SPM -> {
                s.set(Role.BOS, 1);
                s.set(Role.EOS, 2);
                s.set(Role.UNK, 0);
                s.addSpacePrefix = true;
                s.addBos = true;
            }
            case WPM -> {
                s.set(Role.BOS, 101);
                s.set(Role.UNK, 100);
                s.set(Role.SEP, 102);
                s.set(Role.PAD, 0);
                s.set(Role.MASK, 103);
                s.cleanSpaces = true;
                s.addBos = true;
            }
            case BPE -> {
                s.set(Role.BOS, 11);
                s.set(Role.EOS, 11);
                s.cleanSpaces = true;
                applyPreTokenizer(pre, s);
            }
        }
        md.getBoolean(P + "add_space_prefix").ifPresent(v -> s.addSpacePrefix = v);

        String[] texts = tokenTexts(md);
        int n = texts.length;
        float[] scores = scores(md, n);
        int[] attrs = attributes(md, n);
        TextIndex index = new TextIndex(texts);

        for (Role r : Role.values()) {
            if (s.ids[r.ordinal()] >= n) {
                s.set(r, -1); // a default outside this vocabulary
            }
            readSpecialId(md, r.key, r, n, s);
        }
        for (Role r : Role.values()) {
            if (r.legacyKey != null) {
                readSpecialId(md, r.legacyKey, r, n, s);
            }
        }
        md.getBoolean(P + "add_bos_token").ifPresent(v -> s.addBos = v);
        md.getBoolean(P + "add_eos_token").ifPresent(v -> s.addEos = v);
        boolean lowercase = md.getBoolean(P + "normalizer.lowercase").orElse(true);
        boolean stripAccents = md.getBoolean(P + "normalizer.strip_accents").orElse(lowercase);

        int[] eog = SpecialTokenRules.resolve(texts, index, attrs, s.ids);
        int[] utf8Lengths = Arrays.stream(texts).mapToInt(t -> t.getBytes(StandardCharsets.UTF_8).length).toArray();
        int[] splitOrder = SpecialTokenRules.splitOrder(texts, attrs, utf8Lengths);
        SpecialTokenRules.applyStripFlags(md.getString("general.name").orElse(""), pre,
                md.getString("general.architecture").orElse(""), texts, index, attrs, splitOrder);

        SpecialTokenIds ids = SpecialTokenIds.of(s.ids);
        TokenizerOptions options = new TokenizerOptions(s.addBos && ids.bos() >= 0, s.addEos && ids.eos() >= 0,
                s.addSpacePrefix, s.cleanSpaces, s.ignoreMerges, lowercase, stripAccents);
        return new Vocabulary(kind, pre, s.preTokenizer, texts, scores, attrs, index, ids, options, eog, splitOrder,
                Arrays.stream(utf8Lengths).max().orElse(0));
    }

    /**
     * {@code tokenizer.ggml.pre} → splitter and flags, as llama.cpp's load() sets them for BPE. Only
     * names whose pattern list {@link PreTokenizer} implements are accepted.
     */
    private static void applyPreTokenizer(String pre, Settings s) {
        s.preTokenizer = switch (pre) {
            case "", "default" -> PreTokenizer.DEFAULT;
            case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
                    "jina-v5-nano" -> {
                s.ignoreMerges = true;
                s.addBos = true;
                yield PreTokenizer.LLAMA3;
            }
            case "dbrx", "smaug-bpe" -> PreTokenizer.LLAMA3;
            case "glm4", "chatglm-bpe" -> {
                s.set(Role.BOS, -1);
                yield PreTokenizer.LLAMA3;
            }
            case "deepseek-llm" -> {
                s.cleanSpaces = false;
                yield PreTokenizer.DEEPSEEK_LLM;
            }
            case "deepseek-coder" -> {
                s.cleanSpaces = false;
                yield PreTokenizer.DEEPSEEK_CODER;
            }
            case "falcon" -> PreTokenizer.FALCON;
            case "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum",
                    "modern-bert", "jina-v1-en", "jina-v2-code", "roberta-bpe", "exaone4", "mpt", "olmo", "jais" ->
                    PreTokenizer.GPT2;
            case "trillion", "granite-docling" -> {
                s.cleanSpaces = false;
                yield PreTokenizer.GPT2;
            }
            case "starcoder", "refact", "codeshell", "exaone", "minerva-7b", "mellum2" -> PreTokenizer.STARCODER;
            case "command-r", "smollm" -> {
                s.cleanSpaces = false;
                yield PreTokenizer.STARCODER;
            }
            case "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2" -> {
                s.cleanSpaces = false;
                yield PreTokenizer.QWEN2;
            }
            case "stablelm2", "megrez" -> PreTokenizer.QWEN2;
            default -> throw new UnsupportedTokenizerException("unsupported BPE pre-tokenizer '" + pre + "'");
        };
    }

    private static String[] tokenTexts(GgufMetadata md) {
        GgufArray a = md.getArray(P + "tokens").orElseThrow(
                () -> new GgufFormatException(-1, P + "tokens", "no token list in this file"));
        if (a.elementType() != GgufValueType.STRING) {
            throw new GgufFormatException(-1, P + "tokens", "expected an array of strings, got " + a.elementType());
        }
        if (a.length() == 0) {
            throw new GgufFormatException(-1, P + "tokens", "the token list is empty");
        }
        String[] texts = a.strings().clone();
        for (int i = 0; i < texts.length; i++) {
            if (texts[i].isEmpty()) {
                texts[i] = "[EMPTY_" + i + "]";
            }
        }
        return texts;
    }

    private static float[] scores(GgufMetadata md, int n) {
        GgufArray a = md.getArray(P + "scores").orElse(null);
        if (a == null) {
            return new float[n];
        }
        if (a.elementType() != GgufValueType.FLOAT32 && a.elementType() != GgufValueType.INT32) {
            throw new GgufFormatException(-1, P + "scores", "expected FLOAT32 or INT32 scores, got " + a.elementType());
        }
        requireLength(a, n, P + "scores");
        return Arrays.copyOf(a.toFloatArray(), n);
    }

    private static int[] attributes(GgufMetadata md, int n) {
        int[] attrs = new int[n];
        GgufArray a = md.getArray(P + "token_type").orElse(null);
        if (a == null) {
            Arrays.fill(attrs, TokenAttr.NORMAL);
            return attrs;
        }
        if (a.elementType() != GgufValueType.INT32 && a.elementType() != GgufValueType.UINT32) {
            throw new GgufFormatException(-1, P + "token_type", "expected INT32 token types, got " + a.elementType());
        }
        requireLength(a, n, P + "token_type");
        for (int i = 0; i < n; i++) {
            attrs[i] = TokenAttr.fromTokenType((int) a.getLong(i));
        }
        return attrs;
    }

    private static void requireLength(GgufArray a, int n, String key) {
        if (a.length() < n) {
            throw new GgufFormatException(-1, key, a.length() + " entries for " + n + " tokens");
        }
    }

    /**
     * Sets the role from {@code key} if it holds an integer id inside the vocabulary; anything else
     * (absent, not an integer, out of range such as 0xFFFFFFFF or an INT32 -1) leaves it as it is.
     */
    private static void readSpecialId(GgufMetadata md, String key, Role role, int n, Settings s) {
        GgufValue v = md.get(key).orElse(null);
        if (v != null && v.isInteger() && v.asLong() >= 0 && v.asLong() < n) {
            s.set(role, (int) v.asLong());
        }
    }
}

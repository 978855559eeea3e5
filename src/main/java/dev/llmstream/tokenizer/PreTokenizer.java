package dev.llmstream.tokenizer;

import static dev.llmstream.tokenizer.SplitStage.Regex.LETTER;
import static dev.llmstream.tokenizer.SplitStage.Regex.NUMBER;
import static dev.llmstream.tokenizer.SplitStage.Regex.PUNCTUATION;
import static dev.llmstream.tokenizer.SplitStage.Regex.collapsed;
import static dev.llmstream.tokenizer.SplitStage.Regex.wide;

import dev.llmstream.tokenizer.SplitStage.RangeRun;

import java.util.List;

/**
 * The word splitters of byte-level BPE models, one per distinct pattern list of llama.cpp's
 * {@code llm_tokenizer_bpe} (llama-vocab.cpp); which one a model uses follows from
 * {@code tokenizer.ggml.pre} (see {@link VocabularyLoader}). A splitter runs its stages in order,
 * each refining the chunks of the previous one, and yields word lengths in code points.
 */
enum PreTokenizer {
    /** No or unknown {@code pre}: punctuation runs, GPT-2 words, digit runs, then digit triples. */
    DEFAULT(List.of(
            collapsed("[" + PUNCTUATION + "\\$\\+<=>\\^~\\|]+"),
            CategorySplitter.GPT2,
            collapsed("[" + NUMBER + "]+"),
            wide("[0-9][0-9][0-9]"))),
    /** gpt-2, mpt, olmo, jais, ... */
    GPT2(List.of(CategorySplitter.GPT2)),
    /** llama3 / llama-bpe, dbrx, smaug-bpe, chatglm-bpe. */
    LLAMA3(List.of(CategorySplitter.LLAMA3)),
    /** qwen2, stablelm2, megrez, ... */
    QWEN2(List.of(CategorySplitter.QWEN2)),
    /** starcoder, refact, command-r, smollm, codeshell, exaone, minerva: each digit alone first. */
    STARCODER(List.of(
            collapsed("[" + NUMBER + "]"),
            CategorySplitter.GPT2)),
    FALCON(List.of(
            collapsed("[" + PUNCTUATION + "\\$\\+<=>\\^~\\|`]+"),
            CategorySplitter.GPT2,
            wide("[0-9][0-9][0-9]"))),
    DEEPSEEK_CODER(List.of(
            wide("[\\r\\n]"),
            collapsed("\\s?[" + LETTER + "]+"),
            collapsed("\\s?[" + PUNCTUATION + "]+"),
            RangeRun.of(false, DeepSeekClasses.CJK),
            collapsed("[" + NUMBER + "]"))),
    DEEPSEEK_LLM(List.of(
            wide("[\\r\\n]"),
            RangeRun.of(true, DeepSeekClasses.LETTERS),
            RangeRun.of(true, DeepSeekClasses.PUNCTUATION),
            wide("\\s+\\z"),
            RangeRun.of(false, DeepSeekClasses.CJK),
            collapsed("[" + NUMBER + "]+")));

    private final List<SplitStage> stages;

    PreTokenizer(List<SplitStage> stages) {
        this.stages = stages;
    }

    /** Word lengths (code points, all positive) of {@code text}, in order. */
    IntList split(SplitText text) {
        IntList chunks = new IntList(4);
        if (text.length() > 0) {
            chunks.add(text.length());
        }
        for (SplitStage stage : stages) {
            IntList next = new IntList(chunks.size() * 2 + 8);
            int start = 0;
            for (int i = 0; i < chunks.size(); i++) {
                int len = chunks.get(i);
                stage.split(text, start, start + len, next);
                start += len;
            }
            chunks = next;
        }
        return chunks;
    }

    /**
     * The literal classes of the DeepSeek pre-tokenizers (from their tokenizer.json, as llama.cpp
     * adopted them), as inclusive code point ranges.
     */
    private static final class DeepSeekClasses {
        /** {@code [一-龥ࠀ-一가-퟿]}: U+0800..U+9FA5 (CJK ideographs and what precedes them) and Hangul. */
        static final int[] CJK = {0x800, 0x9FA5, 0xAC00, 0xD7FF};
        /** ASCII and full-width punctuation, general quotes, U+3000..U+3002. */
        static final int[] PUNCTUATION = {
                0x21, 0x2F, 0x3A, 0x7E, 0x2018, 0x201F, 0x3000, 0x3002, 0xFF01, 0xFF0F, 0xFF1A, 0xFF5E
        };
        /** Cased letters of Latin, Greek, Cyrillic, Armenian, Georgian, Cherokee, Glagolitic, Coptic,
         * Deseret, Osage, Old Hungarian, Warang Citi, Adlam and letterlike symbols. */
        static final int[] LETTERS = {
                0x41, 0x5A, 0x61, 0x7A, 0xB5, 0xB5, 0xC0, 0xD6, 0xD8, 0xF6, 0xF8, 0x1BA, 0x1BC, 0x1BF, 0x1C4, 0x293,
                0x295, 0x2AF, 0x370, 0x373, 0x376, 0x376, 0x377, 0x377, 0x37B, 0x37D, 0x37F, 0x37F, 0x386, 0x386,
                0x388, 0x38A, 0x38C, 0x38C, 0x38E, 0x3A1, 0x3A3, 0x3F5, 0x3F7, 0x481, 0x48A, 0x52F, 0x531, 0x556,
                0x10A0, 0x10C5, 0x13A0, 0x13F5, 0x13F8, 0x13FD, 0x1C90, 0x1CBA, 0x1CBD, 0x1CBF, 0x1D00, 0x1D2B,
                0x1D6B, 0x1D77, 0x1D79, 0x1D9A, 0x1E00, 0x1F15, 0x1F18, 0x1F1D, 0x1F20, 0x1F45, 0x1F48, 0x1F4D,
                0x1F50, 0x1F57, 0x1F59, 0x1F59, 0x1F5B, 0x1F5B, 0x1F5D, 0x1F5D, 0x1F5F, 0x1F7D, 0x1F80, 0x1FB4,
                0x1FB6, 0x1FBC, 0x1FBE, 0x1FBE, 0x1FC2, 0x1FC4, 0x1FC6, 0x1FCC, 0x1FD0, 0x1FD3, 0x1FD6, 0x1FDB,
                0x1FE0, 0x1FEC, 0x1FF2, 0x1FF4, 0x1FF6, 0x1FFC, 0x2102, 0x2102, 0x2107, 0x2107, 0x210A, 0x2113,
                0x2115, 0x2115, 0x2119, 0x211D, 0x2124, 0x2124, 0x2126, 0x2126, 0x2128, 0x2128, 0x212A, 0x212D,
                0x212F, 0x2134, 0x2139, 0x2139, 0x213C, 0x213F, 0x2145, 0x2149, 0x214E, 0x214E, 0x2183, 0x2183,
                0x2184, 0x2184, 0x2C00, 0x2C7B, 0x2C7E, 0x2CE4, 0x2CEB, 0x2CEE, 0x2CF2, 0x2CF2, 0x2CF3, 0x2CF3,
                0xA640, 0xA66D, 0xA680, 0xA69B, 0xA722, 0xA76F, 0xA771, 0xA787, 0xA78B, 0xA78E, 0xAB70, 0xABBF,
                0xFB00, 0xFB06, 0xFB13, 0xFB17, 0xFF21, 0xFF3A, 0xFF41, 0xFF5A, 0x10400, 0x1044F, 0x104B0, 0x104D3,
                0x104D8, 0x104FB, 0x10C80, 0x10CB2, 0x10CC0, 0x10CF2, 0x118A0, 0x118DF, 0x1E900, 0x1E943
        };

        private DeepSeekClasses() {}
    }
}

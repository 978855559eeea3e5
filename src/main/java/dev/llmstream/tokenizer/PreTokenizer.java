package dev.llmstream.tokenizer;

import static dev.llmstream.tokenizer.RegexSplitter.LETTER;
import static dev.llmstream.tokenizer.RegexSplitter.NUMBER;
import static dev.llmstream.tokenizer.RegexSplitter.PUNCTUATION;
import static dev.llmstream.tokenizer.RegexSplitter.collapsed;
import static dev.llmstream.tokenizer.RegexSplitter.wide;

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
            wide(DeepSeekClasses.CJK),
            collapsed("[" + NUMBER + "]"))),
    DEEPSEEK_LLM(List.of(
            wide("[\\r\\n]"),
            wide("\\s?[" + DeepSeekClasses.LETTERS + "]+"),
            wide("\\s?[" + DeepSeekClasses.PUNCTUATION + "]+"),
            wide("\\s+\\z"),
            wide(DeepSeekClasses.CJK),
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
     * adopted them), written as code point ranges.
     */
    private static final class DeepSeekClasses {
        /** CJK ideographs, U+0800..U+4E00 and Hangul: {@code [一-龥ࠀ-一가-퟿]+}. */
        static final String CJK = "[\\x{4E00}-\\x{9FA5}\\x{0800}-\\x{4E00}\\x{AC00}-\\x{D7FF}]+";
        /** ASCII and full-width punctuation, general quotes and U+3000..U+3002. */
        static final String PUNCTUATION = "\\x{21}-\\x{2F}\\x{3A}-\\x{7E}\\x{FF01}-\\x{FF0F}\\x{FF1A}-\\x{FF5E}"
                + "\\x{2018}-\\x{201F}\\x{3000}-\\x{3002}";
        /** Cased letters of Latin, Greek, Cyrillic, Armenian, Georgian, Cherokee, Glagolitic, Coptic,
         * Deseret, Osage, Old Hungarian, Warang Citi, Adlam and letterlike symbols. */
        static final String LETTERS = "A-Za-z\\x{B5}\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{1BA}\\x{1BC}-\\x{1BF}"
                + "\\x{1C4}-\\x{293}\\x{295}-\\x{2AF}\\x{370}-\\x{373}\\x{376}\\x{377}\\x{37B}-\\x{37D}\\x{37F}"
                + "\\x{386}\\x{388}-\\x{38A}\\x{38C}\\x{38E}-\\x{3A1}\\x{3A3}-\\x{3F5}\\x{3F7}-\\x{481}"
                + "\\x{48A}-\\x{52F}\\x{531}-\\x{556}\\x{10A0}-\\x{10C5}\\x{13A0}-\\x{13F5}\\x{13F8}-\\x{13FD}"
                + "\\x{1C90}-\\x{1CBA}\\x{1CBD}-\\x{1CBF}\\x{1D00}-\\x{1D2B}\\x{1D6B}-\\x{1D77}\\x{1D79}-\\x{1D9A}"
                + "\\x{1E00}-\\x{1F15}\\x{1F18}-\\x{1F1D}\\x{1F20}-\\x{1F45}\\x{1F48}-\\x{1F4D}\\x{1F50}-\\x{1F57}"
                + "\\x{1F59}\\x{1F5B}\\x{1F5D}\\x{1F5F}-\\x{1F7D}\\x{1F80}-\\x{1FB4}\\x{1FB6}-\\x{1FBC}\\x{1FBE}"
                + "\\x{1FC2}-\\x{1FC4}\\x{1FC6}-\\x{1FCC}\\x{1FD0}-\\x{1FD3}\\x{1FD6}-\\x{1FDB}\\x{1FE0}-\\x{1FEC}"
                + "\\x{1FF2}-\\x{1FF4}\\x{1FF6}-\\x{1FFC}\\x{2102}\\x{2107}\\x{210A}-\\x{2113}\\x{2115}"
                + "\\x{2119}-\\x{211D}\\x{2124}\\x{2126}\\x{2128}\\x{212A}-\\x{212D}\\x{212F}-\\x{2134}\\x{2139}"
                + "\\x{213C}-\\x{213F}\\x{2145}-\\x{2149}\\x{214E}\\x{2183}\\x{2184}\\x{2C00}-\\x{2C7B}"
                + "\\x{2C7E}-\\x{2CE4}\\x{2CEB}-\\x{2CEE}\\x{2CF2}\\x{2CF3}\\x{A640}-\\x{A66D}\\x{A680}-\\x{A69B}"
                + "\\x{A722}-\\x{A76F}\\x{A771}-\\x{A787}\\x{A78B}-\\x{A78E}\\x{AB70}-\\x{ABBF}\\x{FB00}-\\x{FB06}"
                + "\\x{FB13}-\\x{FB17}\\x{FF21}-\\x{FF3A}\\x{FF41}-\\x{FF5A}\\x{10400}-\\x{1044F}"
                + "\\x{104B0}-\\x{104D3}\\x{104D8}-\\x{104FB}\\x{10C80}-\\x{10CB2}\\x{10CC0}-\\x{10CF2}"
                + "\\x{118A0}-\\x{118DF}\\x{1E900}-\\x{1E943}";

        private DeepSeekClasses() {}
    }
}

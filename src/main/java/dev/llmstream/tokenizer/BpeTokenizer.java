package dev.llmstream.tokenizer;

import dev.llmstream.tokenizer.SpecialTokenSplitter.Fragment;
import dev.llmstream.gguf.GgufArray;
import dev.llmstream.gguf.GgufFormatException;
import dev.llmstream.gguf.GgufMetadata;
import dev.llmstream.gguf.GgufValueType;
import java.util.List;

/**
 * Byte-level BPE tokenizer ({@code tokenizer.ggml.model = gpt2}), as llama.cpp's BPE path: each
 * text fragment is split into words by the model's {@link PreTokenizer}, each word's UTF-8 bytes
 * are spelled in {@link ByteLevel} characters, and {@link BpeEncoder} merges them by rank. BOS/EOS
 * are added only when the file or the pre-tokenizer's defaults say so (Llama-3 adds BOS).
 *
 * <p>The ids of short words are cached ({@link WordCache}).
 */
public final class BpeTokenizer extends AbstractTokenizer implements Tokenizer {
    private final BpeMerges merges;
    private final WordCache wordCache = new WordCache();

    BpeTokenizer(Vocabulary vocab, GgufMetadata metadata) {
        super(vocab);
        GgufArray a = metadata.getArray("tokenizer.ggml.merges").orElseThrow(
                () -> new GgufFormatException(-1, "tokenizer.ggml.merges", "a BPE vocabulary needs merges"));
        if (a.elementType() != GgufValueType.STRING) {
            throw new GgufFormatException(-1, "tokenizer.ggml.merges", "expected strings, got " + a.elementType());
        }
        this.merges = new BpeMerges(vocab, a.strings());
    }

    @Override
    void encodeFragments(String text, List<Fragment> fragments, boolean addSpecial, IntList out) {
        TokenizerOptions o = vocab.options();
        if (addSpecial && o.addBos()) {
            out.add(vocab.specialIds().bos());
        }
        WordCache.WordEncoder encoder = new BpeEncoder(vocab, merges)::encodeWord;
        StringBuilder word = new StringBuilder(64);
        for (Fragment f : fragments) {
            if (!f.isText()) {
                out.add(f.token());
                continue;
            }
            int[] cps = text.substring(f.start(), f.end()).codePoints().toArray();
            IntList lengths = vocab.preTokenizer().split(new SplitText(cps));
            int start = 0;
            for (int w = 0; w < lengths.size(); w++) {
                int end = start + lengths.get(w);
                word.setLength(0);
                ByteLevel.appendEncoded(cps, start, end, word);
                wordCache.encode(word.toString(), encoder, out);
                start = end;
            }
        }
        if (addSpecial && o.addEos()) {
            out.add(vocab.specialIds().eos());
        }
    }
}

package dev.llmstream.tokenizer;

import dev.llmstream.tokenizer.SpecialTokenSplitter.Fragment;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * WordPiece tokenizer ({@code tokenizer.ggml.model = bert}), as llama.cpp's
 * {@code llm_tokenizer_wpm_session}. BERT-style normalization splits the text into words: whitespace
 * separates, NUL/U+FFFD/control characters vanish, punctuation, ASCII symbols and CJK ideographs
 * are words of their own; with lowercase (default) letters are lowercased, with strip_accents
 * (default: as lowercase) each character is replaced by the first code point of its NFD
 * decomposition and combining marks are dropped. Each word, prefixed with U+2581, is then covered
 * greedily from the left by the longest vocabulary entries (at most the longest token's UTF-8
 * length); a word that cannot be covered becomes the unknown token. With {@code addSpecial} the
 * output is framed as {@code [CLS] ... [SEP]} (BOS and separator ids).
 */
public final class WpmTokenizer extends AbstractTokenizer implements Tokenizer {
    private static final String WORD_PREFIX = "\u2581";

    WpmTokenizer(Vocabulary vocab) {
        super(vocab);
    }

    @Override
    void encodeFragments(String text, List<Fragment> fragments, boolean addSpecial, IntList out) {
        SpecialTokenIds ids = vocab.specialIds();
        if (addSpecial && ids.bos() >= 0) {
            out.add(ids.bos());
        }
        for (Fragment f : fragments) {
            if (f.isText()) {
                for (String word : words(text.substring(f.start(), f.end()))) {
                    encodeWord(WORD_PREFIX + word, out);
                }
            } else {
                out.add(f.token());
            }
        }
        if (addSpecial && ids.sep() >= 0) {
            out.add(ids.sep());
        }
    }

    private void encodeWord(String word, IntList out) {
        int[] bounds = codePointBounds(word);
        int[] byteAt = new int[bounds.length];
        for (int k = 1; k < bounds.length; k++) {
            byteAt[k] = byteAt[k - 1] + utf8Length(word.codePointAt(bounds[k - 1]));
        }
        int mark = out.size();
        int limit = vocab.maxTokenBytes() + 1;
        int i = 0;
        while (i < bounds.length - 1) {
            int match = -1;
            for (int j = bounds.length - 1; j > i; j--) {
                if (byteAt[j] - byteAt[i] > limit) {
                    continue;
                }
                int id = vocab.id(word, bounds[i], bounds[j]);
                if (id >= 0) {
                    out.add(id);
                    match = j;
                    break;
                }
            }
            if (match < 0) {
                out.truncate(mark); // one uncovered piece discards the whole word
                break;
            }
            i = match;
        }
        if (out.size() == mark && vocab.specialIds().unk() >= 0) {
            out.add(vocab.specialIds().unk());
        }
    }

    /** Char index of every code point boundary, including the end. */
    private static int[] codePointBounds(String s) {
        int[] bounds = new int[s.codePointCount(0, s.length()) + 1];
        for (int k = 0, c = 0; k < bounds.length; k++) {
            bounds[k] = c;
            if (c < s.length()) {
                c += Character.charCount(s.codePointAt(c));
            }
        }
        return bounds;
    }

    private static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /** BERT normalization and word splitting (llama.cpp {@code preprocess}). */
    List<String> words(String text) {
        TokenizerOptions o = vocab.options();
        List<String> words = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        text.codePoints().forEach(original -> {
            int cp = o.stripAccents() ? nfdBase(original) : original;
            int flags = CodepointFlags.of(cp);
            if ((flags & CodepointFlags.WHITESPACE) != 0) {
                flush(current, words);
                return;
            }
            if (cp == 0 || cp == 0xFFFD || (flags & CodepointFlags.CONTROL) != 0) {
                return;
            }
            if (o.stripAccents() && (flags & CodepointFlags.MARK) != 0) {
                return;
            }
            int c = o.lowercase() ? CodepointFlags.toLower(cp) : cp;
            if ((flags & CodepointFlags.PUNCTUATION) != 0 || (cp < 0x7F && (flags & CodepointFlags.SYMBOL) != 0)
                    || isChineseChar(cp)) {
                flush(current, words);
                words.add(Character.toString(c));
            } else {
                current.appendCodePoint(c);
            }
        });
        flush(current, words);
        return words;
    }

    private static void flush(StringBuilder current, List<String> words) {
        if (!current.isEmpty()) {
            words.add(current.toString());
            current.setLength(0);
        }
    }

    /** First code point of the canonical decomposition (é → e), as llama.cpp's NFD table. */
    private static int nfdBase(int cp) {
        if (cp < 0xC0) {
            return cp; // nothing below U+00C0 has a canonical decomposition
        }
        String s = Character.toString(cp);
        return Normalizer.isNormalized(s, Normalizer.Form.NFD)
                ? cp
                : Normalizer.normalize(s, Normalizer.Form.NFD).codePointAt(0);
    }

    /** CJK ideograph blocks as BERT's {@code _is_chinese_char} (0x2B920 as in HF's Rust code). */
    private static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}

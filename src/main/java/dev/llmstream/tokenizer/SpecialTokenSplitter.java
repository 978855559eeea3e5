package dev.llmstream.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Cuts special tokens out of the input before the tokenizer algorithm runs, as llama.cpp's
 * {@code tokenizer_st_partition}: for each candidate token, longest text first, every occurrence
 * in every remaining text fragment becomes a token fragment. Control and unknown tokens are
 * candidates only with {@code parseSpecial}; user-defined tokens always are (Hugging Face
 * {@code tokenizers} pre-splits added tokens the same way; MPT's whitespace-run tokens and
 * DeepSeek-Coder's single-letter ones rely on it). A token flagged LSTRIP/RSTRIP swallows the ASCII
 * whitespace ({@code isspace}) before/after it, e.g. the newline after Phi-3's {@code <|end|>}.
 *
 * <p>Scanning the text once per candidate is what llama.cpp does; with thousands of candidates
 * (DeepSeek: 2,400 added tokens) over a long prompt that is most of the cost, so a candidate is
 * skipped outright when one of its adjacent character pairs never occurs in the text.
 */
final class SpecialTokenSplitter {
    private static final int PAIR_BITS = 1 << 20;

    /**
     * A piece of the input after special-token splitting: either raw text {@code [start, end)} of the
     * input string (to be run through the tokenizer's algorithm) or one special token.
     */
    record Fragment(int token, int start, int end) {

        static Fragment text(int start, int end) {
            return new Fragment(-1, start, end);
        }

        static Fragment special(int token) {
            return new Fragment(token, -1, -1);
        }

        boolean isText() {
            return token < 0;
        }
    }

    private SpecialTokenSplitter() {}

    static List<Fragment> split(Vocabulary vocab, String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        fragments.add(Fragment.text(0, text.length()));
        // below this length scanning is cheaper than building the filter
        PairFilter filter = text.length() >= 1024 ? new PairFilter(text) : null;
        for (int id : vocab.splitOrder()) {
            int attr = vocab.attr(id);
            if (!parseSpecial && (attr & TokenAttr.RENDERED_ONLY_IF_SPECIAL) != 0) {
                continue;
            }
            String token = vocab.text(id);
            if (filter == null || filter.mayContain(token)) {
                fragments = splitOn(fragments, text, id, token, attr);
            }
        }
        return fragments;
    }

    private static List<Fragment> splitOn(List<Fragment> fragments, String text, int id, String token, int attr) {
        List<Fragment> out = null;
        for (int f = 0; f < fragments.size(); f++) {
            Fragment fragment = fragments.get(f);
            int match = fragment.isText() ? text.indexOf(token, fragment.start(), fragment.end()) : -1;
            if (match < 0) {
                if (out != null) {
                    out.add(fragment);
                }
                continue;
            }
            if (out == null) {
                out = new ArrayList<>(fragments.size() + 8);
                out.addAll(fragments.subList(0, f));
            }
            int base = fragment.start();
            int end = fragment.end();
            while (match >= 0) {
                int leftEnd = match;
                if ((attr & TokenAttr.LSTRIP) != 0) {
                    while (leftEnd > base && isSpace(text.charAt(leftEnd - 1))) {
                        leftEnd--;
                    }
                }
                if (leftEnd > base) {
                    out.add(Fragment.text(base, leftEnd));
                }
                out.add(Fragment.special(id));
                base = match + token.length();
                if ((attr & TokenAttr.RSTRIP) != 0) {
                    while (base < end && isSpace(text.charAt(base))) {
                        base++;
                    }
                }
                match = base < end ? text.indexOf(token, base, end) : -1;
            }
            if (base < end) {
                out.add(Fragment.text(base, end));
            }
        }
        return out == null ? fragments : out;
    }

    /** C {@code isspace} in the "C" locale: space, \t, \n, \v, \f, \r. */
    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** Which characters and (hashed) adjacent character pairs occur in the text; no false negatives. */
    private static final class PairFilter {
        private final BitSet chars = new BitSet(1 << 16);
        private final BitSet pairs = new BitSet(PAIR_BITS);

        PairFilter(String text) {
            for (int i = 0; i < text.length(); i++) {
                chars.set(text.charAt(i));
                if (i > 0) {
                    pairs.set(pair(text.charAt(i - 1), text.charAt(i)));
                }
            }
        }

        private static int pair(char a, char b) {
            return (a * 31 + b) & (PAIR_BITS - 1);
        }

        boolean mayContain(String token) {
            if (token.isEmpty() || !chars.get(token.charAt(0))) {
                return false;
            }
            for (int i = 1; i < token.length(); i++) {
                if (!pairs.get(pair(token.charAt(i - 1), token.charAt(i)))) {
                    return false;
                }
            }
            return true;
        }
    }
}

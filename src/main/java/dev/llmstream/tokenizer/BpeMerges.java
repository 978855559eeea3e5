package dev.llmstream.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ranked merges of a byte-level BPE vocabulary ({@code tokenizer.ggml.merges}, one
 * {@code "left right"} string per rank, best first), over integer <em>symbols</em> so the merge
 * loop never builds or hashes strings.
 *
 * <p>A symbol is a string a word can be made of during merging. Every vocabulary token is the
 * symbol with its token id; merge halves and results that are not tokens get ids from
 * {@code vocabSize} upwards. A pair of symbols packs into one long to find its rank, and each rank
 * knows the symbol its merge produces. As in llama.cpp, a pair listed twice keeps its first rank.
 */
final class BpeMerges {
    private final Vocabulary vocab;
    private final LongIntHashMap ranks;
    private final int[] results;
    /** Texts of the non-token symbols, indexed by {@code id - vocab.size()}. */
    private final String[] extraTexts;
    /** Symbol of each one-char string, or -1. */
    private final int[] charSymbols = new int[0x10000];
    /** Symbols of other strings (only what an initial one-code-point symbol may need: surrogate pairs). */
    private final Map<String, Integer> otherSymbols;

    BpeMerges(Vocabulary vocab, String[] merges) {
        this.vocab = vocab;
        Map<String, Integer> extra = new HashMap<>();
        List<String> extraList = new ArrayList<>();
        ranks = new LongIntHashMap(merges.length);
        results = new int[merges.length];
        Arrays.fill(results, -1);
        for (int rank = 0; rank < merges.length; rank++) {
            String m = merges[rank];
            int space = m.indexOf(' ', 1);
            if (space < 0) {
                continue; // not a pair; llama.cpp files it under ("", "") which never matches
            }
            String left = m.substring(0, space);
            String right = m.substring(space + 1);
            long key = pair(symbol(left, extra, extraList), symbol(right, extra, extraList));
            if (ranks.putIfAbsent(key, rank)) {
                results[rank] = symbol(left + right, extra, extraList);
            }
        }
        extraTexts = extraList.toArray(String[]::new);
        Arrays.fill(charSymbols, -1);
        for (int id = 0; id < vocab.size(); id++) {
            String t = vocab.text(id);
            if (t.length() == 1 && vocab.id(t) == id) {
                charSymbols[t.charAt(0)] = id;
            }
        }
        otherSymbols = new HashMap<>();
        extra.forEach((text, id) -> {
            if (text.length() == 1) {
                charSymbols[text.charAt(0)] = id;
            } else if (text.codePointCount(0, text.length()) == 1) {
                otherSymbols.put(text, id);
            }
        });
    }

    private int symbol(String text, Map<String, Integer> extra, List<String> extraList) {
        int id = vocab.id(text);
        if (id >= 0) {
            return id;
        }
        return extra.computeIfAbsent(text, t -> {
            extraList.add(t);
            return vocab.size() + extraList.size() - 1;
        });
    }

    private static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFF_FFFFL);
    }

    /** The symbol of a one-code-point string, or -1 if no token or merge mentions it. */
    int symbolOf(int codePoint) {
        if (codePoint < 0x10000) {
            return charSymbols[codePoint];
        }
        String text = Character.toString(codePoint);
        int token = vocab.id(text);
        return token >= 0 ? token : otherSymbols.getOrDefault(text, -1);
    }

    /** Rank of merging {@code left} then {@code right}, or -1 if they do not merge. */
    int rank(int left, int right) {
        return ranks.get(pair(left, right));
    }

    /** The symbol a merge of the given rank produces. */
    int result(int rank) {
        return results[rank];
    }

    /** True if the symbol is a vocabulary token (its id is then the token id). */
    boolean isToken(int symbol) {
        return symbol >= 0 && symbol < vocab.size();
    }

    /** Text of a symbol. */
    String text(int symbol) {
        return isToken(symbol) ? vocab.text(symbol) : extraTexts[symbol - vocab.size()];
    }
}

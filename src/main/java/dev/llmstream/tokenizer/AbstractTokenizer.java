package dev.llmstream.tokenizer;

import dev.llmstream.tokenizer.SpecialTokenSplitter.Fragment;
import java.util.List;
import java.util.Objects;

/**
 * What the three tokenizers share: special-token splitting in front of the algorithm, piece
 * lookup, and llama.cpp's {@code detokenize}. Subclasses supply how text fragments become ids and
 * which special tokens frame them.
 */
abstract class AbstractTokenizer {
    protected final Vocabulary vocab;

    AbstractTokenizer(Vocabulary vocab) {
        this.vocab = Objects.requireNonNull(vocab, "vocab");
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        Objects.requireNonNull(text, "text");
        String input = replaceLoneSurrogates(text);
        List<Fragment> fragments = input.isEmpty()
                ? List.of()
                : SpecialTokenSplitter.split(vocab, input, parseSpecial);
        IntList out = new IntList(input.length() / 3 + 8);
        encodeFragments(input, fragments, addSpecial, out);
        return out.toArray();
    }

    /** Appends the ids of {@code fragments} (of {@code text}), framed as the model frames them. */
    abstract void encodeFragments(String text, List<Fragment> fragments, boolean addSpecial, IntList out);

    public byte[] tokenBytes(int id) {
        return vocab.piece(id).clone();
    }

    public String decode(int[] ids, boolean skipSpecial) {
        Objects.requireNonNull(ids, "ids");
        TokenizerOptions o = vocab.options();
        int from = 0;
        int to = ids.length;
        boolean stripSpace = o.addSpacePrefix();
        if (skipSpecial && o.addBos() && to > 0 && ids[0] == vocab.specialIds().bos()) {
            stripSpace = false; // text after a BOS keeps its leading space, as in llama.cpp
            from++;
        }
        if (skipSpecial && o.addEos() && to > from && ids[to - 1] == vocab.specialIds().eos()) {
            to--;
        }
        int total = 0;
        for (int i = from; i < to; i++) {
            total += vocab.piece(ids[i]).length;
        }
        byte[] buf = new byte[total];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte[] piece = vocab.outputPiece(ids[i], !skipSpecial);
            int skip = stripSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
            stripSpace = false;
            System.arraycopy(piece, skip, buf, n, piece.length - skip);
            n += piece.length - skip;
        }
        if (o.cleanSpaces()) {
            n = SpaceCleanup.apply(buf, n);
        }
        return Utf8.decode(buf, 0, n);
    }

    private static String replaceLoneSurrogates(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                StringBuilder sb = new StringBuilder(s.length());
                s.codePoints().forEach(cp -> sb.appendCodePoint(
                        cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE ? 0xFFFD : cp));
                return sb.toString();
            }
        }
        return s;
    }
}

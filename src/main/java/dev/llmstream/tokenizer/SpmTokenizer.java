package dev.llmstream.tokenizer;

import dev.llmstream.tokenizer.SpecialTokenSplitter.Fragment;
import java.util.List;

/**
 * SentencePiece-style tokenizer ({@code tokenizer.ggml.model = llama}), as llama.cpp's SPM path in
 * {@code llama_vocab::impl::tokenize}: with {@code add_space_prefix} (the default) every text
 * fragment at the start of the input or right after a special token gets a leading space; spaces
 * become U+2581; {@link SpmEncoder} merges by score. BOS is added by default, EOS only if the file
 * says so.
 *
 * <p>llama.cpp merges a whole fragment as one sequence. Here, when no vocabulary entry has a
 * {@code '▁'} right after another character (true of SentencePiece vocabularies, which split on
 * whitespace), the fragment is cut before every {@code '▁'} that follows another character and the
 * pieces are merged separately (and cached, {@link WordCache}). The result is the same: every
 * merged symbol is a vocabulary entry, so no merge ever spans such a cut; the pieces never interact,
 * and within a piece the candidates are taken in the same (score, position) order.
 */
public final class SpmTokenizer extends AbstractTokenizer implements Tokenizer {
    private static final char SPACE = '\u2581';

    /** True if no token has '▁' after another character, so fragments may be cut there. */
    private final boolean cutAtSpaces;
    private final WordCache wordCache = new WordCache();

    SpmTokenizer(Vocabulary vocab) {
        super(vocab);
        boolean cut = true;
        for (int id = 0; id < vocab.size() && cut; id++) {
            String t = vocab.text(id);
            for (int i = 1; i < t.length(); i++) {
                if (t.charAt(i) == SPACE && t.charAt(i - 1) != SPACE) {
                    cut = false;
                    break;
                }
            }
        }
        this.cutAtSpaces = cut;
    }

    @Override
    void encodeFragments(String text, List<Fragment> fragments, boolean addSpecial, IntList out) {
        TokenizerOptions o = vocab.options();
        if (addSpecial && o.addBos()) {
            out.add(vocab.specialIds().bos());
        }
        SpmEncoder encoder = new SpmEncoder(vocab);
        WordCache.WordEncoder encode = encoder::encode;
        boolean afterSpecial = true; // the start of the input counts as "after a special token"
        for (Fragment f : fragments) {
            if (!f.isText()) {
                out.add(f.token());
                afterSpecial = true;
                continue;
            }
            String piece = text.substring(f.start(), f.end());
            String escaped = (o.addSpacePrefix() && afterSpecial ? " " + piece : piece).replace(' ', SPACE);
            afterSpecial = false;
            if (!cutAtSpaces) {
                encoder.encode(escaped, out);
                continue;
            }
            int start = 0;
            for (int i = 1; i <= escaped.length(); i++) {
                if (i == escaped.length() || (escaped.charAt(i) == SPACE && escaped.charAt(i - 1) != SPACE)) {
                    wordCache.encode(escaped.substring(start, i), encode, out);
                    start = i;
                }
            }
        }
        if (addSpecial && o.addEos()) {
            out.add(vocab.specialIds().eos());
        }
    }
}

package dev.llmstream.tokenizer;

import java.util.List;

/**
 * SentencePiece-style tokenizer ({@code tokenizer.ggml.model = llama}), as llama.cpp's SPM path in
 * {@code llama_vocab::impl::tokenize}: with {@code add_space_prefix} (the default) every text
 * fragment at the start of the input or right after a special token gets a leading space; spaces
 * become U+2581; {@link SpmEncoder} merges by score. BOS is added by default, EOS only if the file
 * says so.
 */
public final class SpmTokenizer extends AbstractTokenizer implements Tokenizer {

    SpmTokenizer(Vocabulary vocab) {
        super(vocab);
    }

    @Override
    void encodeFragments(String text, List<Fragment> fragments, boolean addSpecial, IntList out) {
        TokenizerOptions o = vocab.options();
        if (addSpecial && o.addBos()) {
            out.add(vocab.specialIds().bos());
        }
        SpmEncoder encoder = new SpmEncoder(vocab);
        boolean afterSpecial = true; // the start of the input counts as "after a special token"
        for (Fragment f : fragments) {
            if (f.isText()) {
                String piece = text.substring(f.start(), f.end());
                String prefixed = o.addSpacePrefix() && afterSpecial ? " " + piece : piece;
                encoder.encode(prefixed.replace(' ', '\u2581'), out);
                afterSpecial = false;
            } else {
                out.add(f.token());
                afterSpecial = true;
            }
        }
        if (addSpecial && o.addEos()) {
            out.add(vocab.specialIds().eos());
        }
    }
}

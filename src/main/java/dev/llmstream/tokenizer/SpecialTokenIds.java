package dev.llmstream.tokenizer;

/**
 * The ids of a vocabulary's special tokens; -1 where a model has none. Each comes from
 * {@code tokenizer.ggml.<key>} when that key holds an id inside the vocabulary, else from
 * llama.cpp's default for the tokenizer kind (e.g. BOS 1 / EOS 2 / UNK 0 for SentencePiece), and
 * EOT, EOM and the FIM ids may also be found by their text (see {@link SpecialTokenRules}).
 */
public record SpecialTokenIds(
        int bos, int eos, int eot, int eom, int unk, int sep, int pad, int mask,
        int fimPre, int fimSuf, int fimMid, int fimPad, int fimRep, int fimSep) {

    /**
     * The roles, in the order of the record components and of llama.cpp's key reading. Three FIM
     * roles also have a deprecated key, read after all current ones (so it wins when both exist).
     */
    enum Role {
        BOS("bos_token_id", null),
        EOS("eos_token_id", null),
        EOT("eot_token_id", null),
        EOM("eom_token_id", null),
        UNK("unknown_token_id", null),
        SEP("seperator_token_id", null), // sic: the GGUF key is spelled this way
        PAD("padding_token_id", null),
        MASK("mask_token_id", null),
        FIM_PRE("fim_pre_token_id", "prefix_token_id"),
        FIM_SUF("fim_suf_token_id", "suffix_token_id"),
        FIM_MID("fim_mid_token_id", "middle_token_id"),
        FIM_PAD("fim_pad_token_id", null),
        FIM_REP("fim_rep_token_id", null),
        FIM_SEP("fim_sep_token_id", null);

        final String key;
        /** The deprecated key, or null. */
        final String legacyKey;

        Role(String keySuffix, String legacySuffix) {
            this.key = "tokenizer.ggml." + keySuffix;
            this.legacyKey = legacySuffix == null ? null : "tokenizer.ggml." + legacySuffix;
        }
    }

    static SpecialTokenIds of(int[] byRole) {
        return new SpecialTokenIds(byRole[0], byRole[1], byRole[2], byRole[3], byRole[4], byRole[5], byRole[6],
                byRole[7], byRole[8], byRole[9], byRole[10], byRole[11], byRole[12], byRole[13]);
    }
}

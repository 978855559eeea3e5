package dev.llmstream.tokenizer;

import dev.llmstream.tokenizer.SpecialTokenIds.Role;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * llama.cpp's text-based special-token heuristics (llama-vocab.cpp, end of
 * {@code llama_vocab::impl::load}). Converters do not always write EOT/FIM ids or mark chat
 * tokens as control tokens, so llama.cpp recognises well-known token texts:
 *
 * <ol>
 *   <li>an unset EOT, EOM or FIM id is taken from the first token whose text is a known spelling
 *       of that role, and that token becomes a control token;
 *   <li>the end-of-generation set is: the FIM pad/repo/file-separator ids, every token whose text
 *       is a known end marker ({@code <|eot_id|>}, {@code <|im_end|>}, {@code <|end|>},
 *       {@code </s>}, ...; these become control tokens), then EOS, EOT and EOM;
 *   <li>gpt-oss's {@code <|channel|>}-style tokens are always rendered (user-defined);
 *   <li>with o200k-harmony's {@code <|return|>}+{@code <|call|>} (or solar-open's
 *       {@code <|calls|>}+{@code <|flush|>}), {@code <|end|>} does not end generation; with
 *       Gemma-4's {@code <|tool_response>}, {@code </s>} does not;
 *   <li>per-model strip flags: Phi-3's chat tokens swallow the whitespace after them, jina-v2's and
 *       modern-bert's mask token the whitespace before it.
 * </ol>
 *
 * llama.cpp walks its text→id hash map, so when several tokens match a role the one it picks is
 * unspecified; here the lowest id wins (the end-of-generation set does not depend on it).
 */
final class SpecialTokenRules {
    private static final Set<String> EOT = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>",
            "<end_of_utterance>");
    private static final Set<String> EOM = Set.of("<|eom_id|>");
    private static final Set<String> FIM_PRE = Set.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>",
            "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>");
    private static final Set<String> FIM_SUF = Set.of("<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
            "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>");
    private static final Set<String> FIM_MID = Set.of("<|fim_middle|>", "<fim-middle>", "<fim_middle>",
            "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>");
    private static final Set<String> FIM_PAD = Set.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]");
    private static final Set<String> FIM_REP = Set.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>",
            "<reponame>");
    private static final Set<String> FIM_SEP = Set.of("<|file_sep|>");
    private static final Set<String> END_OF_GENERATION = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>",
            "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>",
            "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>",
            "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[");
    private static final Set<String> ALWAYS_RENDERED = Set.of("<|channel|>", "<|message|>", "<|start|>",
            "<|constrain|>");

    /** Role → the texts that may fill it, in llama.cpp's order of checks. */
    private static final List<RoleTexts> ROLE_TEXTS = List.of(
            new RoleTexts(Role.EOT, EOT), new RoleTexts(Role.EOM, EOM),
            new RoleTexts(Role.FIM_PRE, FIM_PRE), new RoleTexts(Role.FIM_SUF, FIM_SUF),
            new RoleTexts(Role.FIM_MID, FIM_MID), new RoleTexts(Role.FIM_PAD, FIM_PAD),
            new RoleTexts(Role.FIM_REP, FIM_REP), new RoleTexts(Role.FIM_SEP, FIM_SEP));

    private record RoleTexts(Role role, Set<String> texts) {}

    private SpecialTokenRules() {}

    /**
     * Fills unset role ids by text, updates {@code attrs}, and returns the sorted end-of-generation
     * ids. {@code ids} is indexed by {@link Role#ordinal()}, -1 = unset.
     */
    static int[] resolve(String[] texts, TextIndex index, int[] attrs, int[] ids) {
        // llama.cpp walks its text->id map, which holds one id per text (the last of duplicates)
        boolean[] canonical = new boolean[texts.length];
        for (int id = 0; id < texts.length; id++) {
            canonical[id] = index.get(texts[id]) == id;
        }
        for (RoleTexts rt : ROLE_TEXTS) {
            int r = rt.role().ordinal();
            for (int id = 0; id < texts.length && ids[r] < 0; id++) {
                if (canonical[id] && rt.texts().contains(texts[id])) {
                    ids[r] = id;
                    attrs[id] |= TokenAttr.CONTROL;
                }
            }
        }

        TreeSet<Integer> eog = new TreeSet<>();
        for (Role r : List.of(Role.FIM_PAD, Role.FIM_REP, Role.FIM_SEP)) {
            if (ids[r.ordinal()] >= 0) {
                eog.add(ids[r.ordinal()]);
            }
        }
        for (int id = 0; id < texts.length; id++) {
            if (canonical[id] && END_OF_GENERATION.contains(texts[id])) {
                eog.add(id);
                attrs[id] |= TokenAttr.CONTROL;
            }
        }
        for (int id = 0; id < texts.length; id++) {
            if (canonical[id] && ALWAYS_RENDERED.contains(texts[id])) {
                attrs[id] = TokenAttr.USER_DEFINED;
            }
        }
        for (Role r : List.of(Role.EOS, Role.EOT, Role.EOM)) {
            if (ids[r.ordinal()] >= 0) {
                eog.add(ids[r.ordinal()]);
            }
        }

        int end = eogIdWithText(eog, texts, "<|end|>");
        boolean call = eogIdWithText(eog, texts, "<|call|>") >= 0 || eogIdWithText(eog, texts, "<|calls|>") >= 0;
        boolean harmony = eogIdWithText(eog, texts, "<|return|>") >= 0 && call;
        boolean solar = call && eogIdWithText(eog, texts, "<|flush|>") >= 0;
        if (end >= 0 && (harmony || solar)) {
            eog.remove(end);
            attrs[end] = TokenAttr.USER_DEFINED;
        }
        int eos = eogIdWithText(eog, texts, "</s>");
        if (eos >= 0 && eogIdWithText(eog, texts, "<|tool_response>") >= 0) {
            eog.remove(eos);
            attrs[eos] = TokenAttr.NORMAL;
        }
        return eog.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The ids special-token splitting tries, in its order: every control, user-defined or unknown
     * token, longest text (in UTF-8 bytes) first; equal lengths by id.
     */
    static int[] splitOrder(String[] texts, int[] attrs, int[] utf8Lengths) {
        return java.util.stream.IntStream.range(0, texts.length)
                .filter(id -> (attrs[id] & TokenAttr.SPECIAL_SPLIT) != 0)
                .boxed()
                .sorted((a, b) -> utf8Lengths[a] != utf8Lengths[b]
                        ? Integer.compare(utf8Lengths[b], utf8Lengths[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * Per-model whitespace-strip flags, keyed on {@code general.name}, {@code tokenizer.ggml.pre} and
     * {@code general.architecture} as llama.cpp does.
     */
    static void applyStripFlags(String modelName, String pre, String architecture, String[] texts,
            TextIndex index, int[] attrs, int[] splitOrder) {
        String name = modelName.toLowerCase(Locale.ROOT);
        if (containsAny(pre, "jina-v2-de", "jina-v2-es", "jina-v2-code")
                || containsAny(architecture, "nomic-bert-moe", "jina-bert-v3")) {
            setFlag(index, attrs, "<mask>", TokenAttr.LSTRIP, true);
        } else if (containsAny(name, "phi-3", "phi3")) {
            for (int id : splitOrder) {
                attrs[id] |= TokenAttr.RSTRIP;
            }
            setFlag(index, attrs, "</s>", TokenAttr.RSTRIP, true);
            for (String t : List.of("<unk>", "<s>", "<|endoftext|>")) {
                setFlag(index, attrs, t, TokenAttr.RSTRIP, false);
            }
        } else if (containsAny(name, "modern-bert")) {
            setFlag(index, attrs, "[MASK]", TokenAttr.LSTRIP, true);
        }
    }

    private static int eogIdWithText(Set<Integer> eog, String[] texts, String text) {
        for (int id : eog) {
            if (id >= 0 && id < texts.length && texts[id].equals(text)) {
                return id;
            }
        }
        return -1;
    }

    private static boolean containsAny(String s, String... parts) {
        return Arrays.stream(parts).anyMatch(s::contains);
    }

    private static void setFlag(TextIndex index, int[] attrs, String text, int flag, boolean on) {
        int id = index.get(text);
        if (id >= 0) {
            attrs[id] = on ? attrs[id] | flag : attrs[id] & ~flag;
        }
    }
}

package dev.llmstream.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Generates a SentencePiece-style vocabulary ({@code tokenizer.ggml.model = llama}) of any size
 * from {@link #MIN_SIZE} up, so that a random-weight model decodes to readable pseudo-text:
 *
 * <pre>
 *   id 0          &lt;unk&gt;            type 2 (UNKNOWN)
 *   id 1          &lt;s&gt;              type 3 (CONTROL)  BOS
 *   id 2          &lt;/s&gt;             type 3 (CONTROL)
 *   id 3          &lt;|im_start|&gt;     type 3 (CONTROL)  ChatML turn start
 *   id 4          &lt;|im_end|&gt;       type 3 (CONTROL)  ChatML turn end = EOS
 *   ids 5..260    &lt;0x00&gt;..&lt;0xFF&gt;  type 6 (BYTE)     byte fallback, as llama.cpp's SPM needs
 *   then          "▁", the 94 printable ASCII characters '!'..'~', and "▁" + each of them
 *   then          pseudo-words "▁kalo", "▁Trees", word pieces "lo" ... (type 1, NORMAL)
 * </pre>
 *
 * <p>Why this layout works with llama.cpp's SPM tokenizer ({@code llm_tokenizer_spm_session} in
 * src/llama-vocab.cpp): it splits text (spaces already replaced by "▁") into characters and
 * repeatedly merges the adjacent pair with the best score <em>whose concatenation is a token</em>.
 * Every NORMAL token's prefixes (in characters) are tokens too, so whatever other merges happen
 * first, the leftmost piece of a word can always absorb its right neighbour and a vocabulary word
 * is always reached; no NORMAL token has "▁" after its first character, so merges never cross a
 * word boundary. Characters outside the vocabulary fall back to {@code <0xNN>} byte tokens.
 *
 * <p>Scores: 0 for special and byte tokens; NORMAL tokens get {@code -k} for the k-th NORMAL token,
 * strictly decreasing with id, so pieces generated first (characters, short and common prefixes)
 * win merges. Words are drawn from a syllable generator with a fixed seed ({@link #VOCAB_SEED}):
 * the vocabulary depends only on its size, so all synthesized models of one size share it.
 */
public final class VocabGenerator {
    public static final int UNK_ID = 0;
    public static final int BOS_ID = 1;
    public static final int EOS_S_ID = 2;
    public static final int IM_START_ID = 3;
    public static final int IM_END_ID = 4;
    public static final int FIRST_BYTE_ID = 5;

    /** llama.cpp's {@code llama_token_type} values. */
    public static final int TYPE_NORMAL = 1;
    public static final int TYPE_UNKNOWN = 2;
    public static final int TYPE_CONTROL = 3;
    public static final int TYPE_BYTE = 6;

    public static final String SPACE = "\u2581";
    public static final long VOCAB_SEED = 0x5EED_70C3_AB5L;
    private static final int PRINTABLE = '~' - '!' + 1;
    /** Specials, bytes, "▁", printable characters and their "▁" variants. */
    public static final int MIN_SIZE = 5 + 256 + 1 + 2 * PRINTABLE;

    private static final String[] ONSETS = {"", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r",
        "s", "t", "v", "w", "y", "z", "br", "ch", "cl", "dr", "fl", "gr", "pl", "pr", "sh", "sk", "sl", "st", "th",
        "tr"};
    private static final String[] VOWELS = {"a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "au", "ea", "ee",
        "ie", "oa", "oo", "ou"};
    private static final String[] CODAS = {"", "", "", "", "n", "r", "s", "l", "m", "t", "nd", "rt", "st", "ng",
        "ck"};

    /** A generated vocabulary: token texts, scores and llama.cpp token types, by id. */
    public record Vocab(List<String> tokens, float[] scores, int[] types) {
        public int size() {
            return tokens.size();
        }
    }

    private final int target;
    private final List<String> tokens = new ArrayList<>();
    private final List<Integer> types = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();

    private VocabGenerator(int target) {
        this.target = target;
    }

    /** A vocabulary of exactly {@code size} tokens. */
    public static Vocab generate(int size) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("a generated vocabulary needs at least " + MIN_SIZE
                    + " tokens (specials, 256 bytes, printable characters), asked for " + size);
        }
        return new VocabGenerator(size).build();
    }

    private Vocab build() {
        add("<unk>", TYPE_UNKNOWN);
        add("<s>", TYPE_CONTROL);
        add("</s>", TYPE_CONTROL);
        add("<|im_start|>", TYPE_CONTROL);
        add("<|im_end|>", TYPE_CONTROL);
        for (int b = 0; b < 256; b++) {
            add(String.format("<0x%02X>", b), TYPE_BYTE);
        }
        add(SPACE, TYPE_NORMAL);
        for (char c = '!'; c <= '~'; c++) {
            add(String.valueOf(c), TYPE_NORMAL);
        }
        for (char c = '!'; c <= '~'; c++) {
            add(SPACE + c, TYPE_NORMAL);
        }
        SeedStream rnd = new SeedStream(VOCAB_SEED);
        int idle = 0;
        while (tokens.size() < target) {
            int before = tokens.size();
            String w = word(rnd);
            addWithPrefixes(SPACE + w);
            if (rnd.nextDouble() < 0.2) {
                addWithPrefixes(SPACE + Character.toUpperCase(w.charAt(0)) + w.substring(1));
            }
            if (rnd.nextDouble() < 0.3) {
                addWithPrefixes(w); // word-internal piece, for text made of unknown compounds
            }
            idle = tokens.size() == before ? idle + 1 : 0;
            if (idle > 100_000) {
                throw new IllegalStateException("syllable generator exhausted at " + tokens.size() + " tokens");
            }
        }
        float[] scores = new float[tokens.size()];
        int[] typeArray = new int[tokens.size()];
        int normal = 0;
        for (int i = 0; i < tokens.size(); i++) {
            typeArray[i] = types.get(i);
            scores[i] = typeArray[i] == TYPE_NORMAL ? -normal++ : 0f;
        }
        return new Vocab(List.copyOf(tokens), scores, typeArray);
    }

    private static String word(SeedStream rnd) {
        double r = rnd.nextDouble();
        int syllables = r < 0.35 ? 1 : r < 0.80 ? 2 : r < 0.97 ? 3 : 4;
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < syllables; s++) {
            sb.append(ONSETS[rnd.nextInt(ONSETS.length)])
                    .append(VOWELS[rnd.nextInt(VOWELS.length)])
                    .append(CODAS[rnd.nextInt(CODAS.length)]);
        }
        return sb.toString();
    }

    /** Adds every prefix of {@code piece} (shortest first) that is missing, then the piece itself. */
    private void addWithPrefixes(String piece) {
        for (int end = 1; end <= piece.length() && tokens.size() < target; end++) {
            add(piece.substring(0, end), TYPE_NORMAL);
        }
    }

    private void add(String token, int type) {
        if (tokens.size() < target && seen.add(token)) {
            tokens.add(token);
            types.add(type);
        }
    }
}

package dev.llmstream.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A loaded tokenizer vocabulary: token texts, scores and attributes, special ids, options, the
 * end-of-generation set and the byte pieces tokens decode to. Immutable; built by
 * {@link VocabularyLoader} from GGUF metadata with llama.cpp's defaults and heuristics applied.
 *
 * <p>A token's <em>piece</em> is the bytes it stands for in text (llama.cpp
 * {@code token_to_piece(special=true)}): a normal SPM/WPM token's text with {@code '▁'} turned into
 * a space, a normal BPE token's characters mapped back through {@link ByteLevel}, a byte token
 * {@code <0xNN>} the byte NN, a control/user-defined/unknown token its text as is, anything else
 * (unused/undefined) nothing.
 */
public final class Vocabulary {
    private static final byte[] NO_BYTES = new byte[0];

    private final TokenizerKind kind;
    private final String pre;
    private final PreTokenizer preTokenizer;
    private final String[] texts;
    private final float[] scores;
    private final int[] attrs;
    private final TextIndex index;
    private final SpecialTokenIds ids;
    private final TokenizerOptions options;
    private final int[] endOfGeneration;
    private final int[] splitOrder;
    private final byte[][] pieces;
    private final int[] byteTokens;
    private final int maxTokenBytes;

    Vocabulary(TokenizerKind kind, String pre, PreTokenizer preTokenizer, String[] texts, float[] scores,
            int[] attrs, TextIndex index, SpecialTokenIds ids, TokenizerOptions options, int[] endOfGeneration,
            int[] splitOrder, int maxTokenBytes) {
        this.kind = kind;
        this.pre = pre;
        this.preTokenizer = preTokenizer;
        this.texts = texts;
        this.scores = scores;
        this.attrs = attrs;
        this.index = index;
        this.ids = ids;
        this.options = options;
        this.endOfGeneration = endOfGeneration;
        this.splitOrder = splitOrder;
        this.maxTokenBytes = maxTokenBytes;
        this.pieces = new byte[texts.length][];
        for (int id = 0; id < texts.length; id++) {
            pieces[id] = computePiece(id);
        }
        this.byteTokens = new int[256];
        for (int b = 0; b < 256; b++) {
            int id = index.get(String.format("<0x%02X>", b));
            byteTokens[b] = id >= 0 || b >= 0x80 ? id : index.get(String.valueOf((char) b));
        }
    }

    public TokenizerKind kind() {
        return kind;
    }

    /** {@code tokenizer.ggml.pre} as written in the file ("" if absent). */
    public String pre() {
        return pre;
    }

    public int size() {
        return texts.length;
    }

    public boolean contains(int id) {
        return id >= 0 && id < texts.length;
    }

    /** The token's text as stored in the vocabulary (BPE: in byte-level characters). */
    public String text(int id) {
        return texts[check(id)];
    }

    public float score(int id) {
        return scores[check(id)];
    }

    public SpecialTokenIds specialIds() {
        return ids;
    }

    public TokenizerOptions options() {
        return options;
    }

    /** Control tokens (BOS, EOS, chat markers, ...) and tokens this file marks unknown. */
    public boolean isControlOrUnknown(int id) {
        return contains(id) && (attrs[id] & TokenAttr.RENDERED_ONLY_IF_SPECIAL) != 0;
    }

    /** User-defined (added) tokens: matched in text even without special-token parsing. */
    public boolean isUserDefined(int id) {
        return contains(id) && (attrs[id] & TokenAttr.USER_DEFINED) != 0;
    }

    public boolean isByte(int id) {
        return contains(id) && (attrs[id] & TokenAttr.BYTE) != 0;
    }

    /** Sorted ids that end generation. */
    public int[] endOfGenerationIds() {
        return endOfGeneration.clone();
    }

    public boolean isEndOfGeneration(int id) {
        return Arrays.binarySearch(endOfGeneration, id) >= 0;
    }

    // ---- package-private: what the tokenizers work with ----

    int attr(int id) {
        return attrs[id];
    }

    /** The piece bytes of a token (shared; never modify). */
    byte[] piece(int id) {
        return pieces[check(id)];
    }

    /**
     * The piece of a token as output text (shared; never modify): control and unknown tokens are
     * empty unless {@code renderSpecial} (llama.cpp {@code token_to_piece(special)}).
     */
    byte[] outputPiece(int id, boolean renderSpecial) {
        byte[] piece = pieces[check(id)];
        return !renderSpecial && (attrs[id] & TokenAttr.RENDERED_ONLY_IF_SPECIAL) != 0 ? NO_BYTES : piece;
    }

    /** Token id of the text, or -1. */
    int id(String text) {
        return index.get(text);
    }

    /** Token id of {@code s[start, end)}, or -1. */
    int id(CharSequence s, int start, int end) {
        return index.get(s, start, end);
    }

    /** SPM byte fallback: the token for byte {@code b} ({@code <0xNN>}), or -1. */
    int byteToken(int b) {
        return byteTokens[b & 0xFF];
    }

    /** Special-token splitting candidates, longest first. */
    int[] splitOrder() {
        return splitOrder;
    }

    PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    int maxTokenBytes() {
        return maxTokenBytes;
    }

    int check(int id) {
        if (id < 0 || id >= texts.length) {
            throw new IllegalArgumentException(
                    "token id " + id + " is outside the vocabulary [0, " + texts.length + ")");
        }
        return id;
    }

    private byte[] computePiece(int id) {
        String text = texts[id];
        int attr = attrs[id];
        if ((attr & (TokenAttr.RENDERED_ONLY_IF_SPECIAL | TokenAttr.USER_DEFINED)) != 0) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if ((attr & TokenAttr.NORMAL) != 0) {
            return kind == TokenizerKind.BPE
                    ? byteLevelDecode(text)
                    : text.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
        }
        if ((attr & TokenAttr.BYTE) != 0) {
            return byteOf(text);
        }
        return NO_BYTES;
    }

    /**
     * {@code <0xNN>} → the byte NN. A malformed byte token keeps its text (llama.cpp would read
     * garbage hex as 0).
     */
    private static byte[] byteOf(String text) {
        if (text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")) {
            int hi = Character.digit(text.charAt(3), 16);
            int lo = Character.digit(text.charAt(4), 16);
            if (hi >= 0 && lo >= 0) {
                return new byte[] {(byte) (hi * 16 + lo)};
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Maps each byte-level character back to its byte; a character outside the mapping becomes
     * {@code [UNK_BYTE_0x<its utf-8 hex><token text>]} (llama.cpp {@code llama_decode_text}).
     */
    private static byte[] byteLevelDecode(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        text.codePoints().forEach(cp -> {
            int b = ByteLevel.decode(cp);
            if (b >= 0) {
                out.write(b);
                return;
            }
            StringBuilder unk = new StringBuilder("[UNK_BYTE_0x");
            for (byte u : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                unk.append(String.format("%02x", u & 0xFF));
            }
            unk.append(text).append(']');
            out.writeBytes(unk.toString().getBytes(StandardCharsets.UTF_8));
        });
        return out.toByteArray();
    }
}

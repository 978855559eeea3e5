package dev.llmstream.tokenizer;

import java.util.Objects;

/**
 * Turns generated token ids into text as they arrive, for streaming. Each call returns only the
 * new text; bytes of a UTF-8 character split across tokens (byte-fallback or byte-level tokens)
 * are held back until the character is complete, so no call ever returns half a character, and
 * {@link #finish()} releases whatever is left, with U+FFFD for bytes that never became a character.
 * Invalid bytes that cannot start or continue a character are replaced right away (maximal
 * subparts, see {@link Utf8}), so the concatenation of all outputs equals decoding all the bytes
 * at once.
 *
 * <p>Text is the concatenation of token pieces, which is what llama-server streams for a
 * continuation ({@code common_token_to_piece} per token): a generated SPM token keeps its leading
 * space ({@code "▁there"} → {@code " there"}). Only when the ids start a text of their own (no BOS,
 * nothing before it) should the first token's space prefix go, as {@code llama_detokenize} does:
 * pass {@code stripLeadingSpace} for that. No clean-up of spaces is applied (the server does not
 * either). Control tokens render as nothing unless {@code renderSpecial}.
 *
 * <p>One instance per stream; not thread-safe. Besides the returned strings it allocates only when
 * a call brings more bytes than any before it.
 */
public final class IncrementalDetokenizer {
    private final Tokenizer tokenizer;
    private final Vocabulary vocab;
    private final boolean renderSpecial;
    private final boolean stripSpace;
    private boolean first = true;
    private byte[] pending = new byte[64];
    private int pendingLength;
    private final StringBuilder text = new StringBuilder(64);

    /**
     * @param renderSpecial     render control tokens as their text (llama-server's {@code special})
     * @param stripLeadingSpace drop the SPM space prefix of the first token (only for models with
     *                          {@code add_space_prefix})
     */
    public IncrementalDetokenizer(Tokenizer tokenizer, boolean renderSpecial, boolean stripLeadingSpace) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.vocab = tokenizer.vocabulary();
        this.renderSpecial = renderSpecial;
        this.stripSpace = stripLeadingSpace && vocab.options().addSpacePrefix();
    }

    /** A detokenizer for a generated continuation: pieces as they are, control tokens hidden. */
    public static IncrementalDetokenizer forContinuation(Tokenizer tokenizer) {
        return new IncrementalDetokenizer(tokenizer, false, false);
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Adds one token; returns the text that became complete ("" if none). */
    public String accept(int id) {
        append(id);
        return drain(false);
    }

    /** Adds {@code ids[offset, offset + length)}; returns the text that became complete. */
    public String accept(int[] ids, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, ids.length);
        for (int i = offset; i < offset + length; i++) {
            append(ids[i]);
        }
        return drain(false);
    }

    public String accept(int[] ids) {
        return accept(ids, 0, ids.length);
    }

    /** Ends the stream: returns the held-back bytes as text (U+FFFD for an incomplete character). */
    public String finish() {
        return drain(true);
    }

    /** True while bytes of an incomplete character are held back. */
    public boolean hasPending() {
        return pendingLength > 0;
    }

    private void append(int id) {
        byte[] piece = vocab.outputPiece(id, renderSpecial); // validates the id
        int skip = first && stripSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
        first = false;
        int n = piece.length - skip;
        if (pendingLength + n > pending.length) {
            pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + n));
        }
        System.arraycopy(piece, skip, pending, pendingLength, n);
        pendingLength += n;
    }

    private String drain(boolean endOfInput) {
        if (pendingLength == 0) {
            return "";
        }
        text.setLength(0);
        int consumed = Utf8.decode(pending, 0, pendingLength, endOfInput, text);
        System.arraycopy(pending, consumed, pending, 0, pendingLength - consumed);
        pendingLength -= consumed;
        return text.isEmpty() ? "" : text.toString();
    }
}

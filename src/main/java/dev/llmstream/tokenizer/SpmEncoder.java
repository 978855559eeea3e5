package dev.llmstream.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * SentencePiece-style BPE over token scores with byte fallback, as llama.cpp's
 * {@code llm_tokenizer_spm_session}: the text (spaces already escaped to U+2581) starts as one
 * symbol per character; repeatedly the adjacent pair whose concatenation is the vocabulary token
 * with the highest score (leftmost on ties) is merged; at the end each symbol that is a token is
 * emitted, any other is emitted as its UTF-8 bytes through the {@code <0xNN>} byte tokens.
 *
 * <p>(llama.cpp also keeps a map to re-split non-token symbols into the pair that formed them;
 * only merged symbols come from pairs and a merge only happens when the result is a token, so for
 * well-formed text that path never runs and is left out.) A byte with no byte token falls back to
 * the unknown token, or is dropped if there is none; llama.cpp aborts there.
 *
 * <p>Not thread-safe: one instance per tokenize call (it reuses its queue across fragments).
 */
final class SpmEncoder {
    private final Vocabulary vocab;
    private final BigramQueue queue = new BigramQueue();
    private int[] start = new int[0];
    private int[] length = new int[0];
    private int[] prev = new int[0];
    private int[] next = new int[0];
    private String text;

    SpmEncoder(Vocabulary vocab) {
        this.vocab = vocab;
    }

    /** Appends the tokens of {@code escaped} (spaces already replaced by U+2581) to {@code out}. */
    void encode(String escaped, IntList out) {
        text = escaped;
        int n = escaped.codePointCount(0, escaped.length());
        if (n == 0) {
            return;
        }
        ensureCapacity(n);
        for (int i = 0, c = 0; i < n; i++) {
            start[i] = c;
            length[i] = Character.charCount(escaped.codePointAt(c));
            c += length[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        queue.clear();
        for (int i = 1; i < n; i++) {
            tryAddBigram(i - 1, i);
        }
        while (!queue.isEmpty()) {
            queue.pop();
            int left = queue.left();
            int right = queue.right();
            // stale if either side was merged away or the right side grew since the push
            if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != queue.check()) {
                continue;
            }
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            tryAddBigram(prev[left], left);
            tryAddBigram(left, next[left]);
        }
        for (int i = 0; i != -1; i = next[i]) {
            emit(start[i], start[i] + length[i], out);
        }
    }

    private void tryAddBigram(int left, int right) {
        if (left < 0 || right < 0) {
            return;
        }
        int id = vocab.id(text, start[left], start[right] + length[right]);
        if (id < 0) {
            return;
        }
        queue.push(~sortableBits(vocab.score(id)), left, right, length[left] + length[right]);
    }

    /** Float bits as an int that orders like the float (so ~bits orders by descending score). */
    private static int sortableBits(float f) {
        int bits = Float.floatToIntBits(f);
        return bits ^ ((bits >> 31) & 0x7FFF_FFFF);
    }

    private void emit(int from, int to, IntList out) {
        int id = vocab.id(text, from, to);
        if (id >= 0) {
            out.add(id);
            return;
        }
        for (byte b : text.substring(from, to).getBytes(StandardCharsets.UTF_8)) {
            int byteId = vocab.byteToken(b);
            int fallback = byteId >= 0 ? byteId : vocab.specialIds().unk();
            if (fallback >= 0) {
                out.add(fallback);
            }
        }
    }

    private void ensureCapacity(int n) {
        if (start.length < n) {
            int cap = Math.max(n, start.length * 2);
            start = new int[cap];
            length = new int[cap];
            prev = new int[cap];
            next = new int[cap];
        }
    }
}

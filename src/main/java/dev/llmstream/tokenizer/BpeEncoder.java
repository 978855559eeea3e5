package dev.llmstream.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Merges one pre-tokenized, byte-level-encoded word into tokens, as llama.cpp's
 * {@code llm_tokenizer_bpe_session}: one symbol per character; repeatedly merge the adjacent pair
 * with the lowest merge rank (leftmost on ties); emit each final symbol's token. A final symbol
 * that is not a token is emitted byte by byte as one-character tokens, which only exist for ASCII
 * (llama.cpp looks each UTF-8 byte up as a one-byte string), so other bytes are dropped: this only
 * happens with vocabularies that lack some byte characters.
 *
 * <p>Not thread-safe: one instance per tokenize call.
 */
final class BpeEncoder {
    private final Vocabulary vocab;
    private final BpeMerges merges;
    private final BigramQueue queue = new BigramQueue();
    private int[] symbols = new int[16];
    private int[] codePoints = new int[16];
    private int[] prev = new int[16];
    private int[] next = new int[16];
    private boolean[] dead = new boolean[16];

    BpeEncoder(Vocabulary vocab, BpeMerges merges) {
        this.vocab = vocab;
        this.merges = merges;
    }

    /** Appends the tokens of one byte-level-encoded word to {@code out}. */
    void encodeWord(String word, IntList out) {
        if (vocab.options().ignoreMerges()) {
            int id = vocab.id(word);
            if (id >= 0) {
                out.add(id);
                return;
            }
        }
        int n = load(word);
        queue.clear();
        for (int i = 1; i < n; i++) {
            addPair(i - 1, i);
        }
        while (!queue.isEmpty()) {
            queue.pop();
            int left = queue.left();
            int right = queue.right();
            // while both are alive they are neighbours and only the right one can have changed
            if (dead[left] || dead[right] || symbols[right] != queue.check()) {
                continue;
            }
            symbols[left] = merges.result(queue.primary());
            dead[right] = true;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            addPair(prev[left], left);
            addPair(left, next[left]);
        }
        for (int i = 0; i != -1 && n > 0; i = next[i]) {
            emit(i, out);
        }
    }

    private int load(String word) {
        int n = word.codePointCount(0, word.length());
        if (symbols.length < n) {
            int cap = Math.max(n, symbols.length * 2);
            symbols = new int[cap];
            codePoints = new int[cap];
            prev = new int[cap];
            next = new int[cap];
            dead = new boolean[cap];
        }
        for (int i = 0, c = 0; i < n; i++) {
            int cp = word.codePointAt(c);
            c += Character.charCount(cp);
            codePoints[i] = cp;
            symbols[i] = merges.symbolOf(cp);
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            dead[i] = false;
        }
        return n;
    }

    private void addPair(int left, int right) {
        if (left < 0 || right < 0 || symbols[left] < 0 || symbols[right] < 0) {
            return;
        }
        int rank = merges.rank(symbols[left], symbols[right]);
        if (rank >= 0) {
            queue.push(rank, left, right, symbols[right]);
        }
    }

    private void emit(int i, IntList out) {
        int symbol = symbols[i];
        if (merges.isToken(symbol)) {
            out.add(symbol);
            return;
        }
        String text = symbol >= 0 ? merges.text(symbol) : Character.toString(codePoints[i]);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (b >= 0) {
                int id = vocab.id(String.valueOf((char) b));
                if (id >= 0) {
                    out.add(id);
                }
            }
        }
    }
}

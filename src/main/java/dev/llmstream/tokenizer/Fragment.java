package dev.llmstream.tokenizer;

/**
 * A piece of the input after special-token splitting: either raw text {@code [start, end)} of the
 * input string (to be run through the tokenizer's algorithm) or one special token.
 */
record Fragment(int token, int start, int end) {

    static Fragment text(int start, int end) {
        return new Fragment(-1, start, end);
    }

    static Fragment special(int token) {
        return new Fragment(token, -1, -1);
    }

    boolean isText() {
        return token < 0;
    }
}

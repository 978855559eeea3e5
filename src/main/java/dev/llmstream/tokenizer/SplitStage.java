package dev.llmstream.tokenizer;

/**
 * One step of a pre-tokenizer. llama.cpp applies a list of patterns in order; each pattern
 * refines every chunk the previous ones produced (text between matches becomes a chunk of its
 * own), so a stage sees one chunk at a time and never looks across its edges.
 */
sealed interface SplitStage permits CategorySplitter, RegexSplitter, RangeRunSplitter {

    /**
     * Splits the chunk {@code [start, end)} of {@code text} (code point indexes) and appends the
     * lengths of its pieces, in order, to {@code out}; the lengths are positive and sum to
     * {@code end - start}.
     */
    void split(SplitText text, int start, int end, IntList out);
}

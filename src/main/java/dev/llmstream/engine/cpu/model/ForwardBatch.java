package dev.llmstream.engine.cpu.model;

/**
 * The tokens of one engine step: any mix of prefill chunks and decode tokens from any number of
 * sequences. Token {@code i} belongs to sequence {@code seq[i]} at logical position {@code positions[i]};
 * each sequence has a block table mapping positions to KV blocks and a prompt length (positions below it
 * are prompt tokens, which decides llama.cpp's matmul path per token: {@code MatmulMode}). Logits are
 * computed only for the tokens listed in {@code logitTokens} (the last prompt token, decode tokens,
 * verified drafts).
 * Reused step after step by the engine loop: no allocation per step.
 */
public final class ForwardBatch {
    private final int capacity;
    private final int[] tokens;
    private final int[] positions;
    private final int[] seq;
    private final int[] logitTokens;
    private int[][] blockTables;
    private int[] promptLengths;
    private int nTokens;
    private int nSeqs;
    private int nLogits;

    public ForwardBatch(int capacity, int maxSeqs) {
        this.capacity = capacity;
        this.tokens = new int[capacity];
        this.positions = new int[capacity];
        this.seq = new int[capacity];
        this.logitTokens = new int[capacity];
        this.blockTables = new int[Math.max(1, maxSeqs)][];
        this.promptLengths = new int[Math.max(1, maxSeqs)];
    }

    public void clear() {
        nTokens = 0;
        nLogits = 0;
        for (int i = 0; i < nSeqs; i++) {
            blockTables[i] = null;
        }
        nSeqs = 0;
    }

    /**
     * Adds a sequence whose prompt has {@code promptLength} tokens (its tokens at positions at or beyond it
     * are generated ones) and returns its index in this batch.
     */
    public int addSequence(int[] blockTable, int promptLength) {
        if (nSeqs == blockTables.length) {
            blockTables = java.util.Arrays.copyOf(blockTables, nSeqs * 2);
            promptLengths = java.util.Arrays.copyOf(promptLengths, nSeqs * 2);
        }
        blockTables[nSeqs] = blockTable;
        promptLengths[nSeqs] = promptLength;
        return nSeqs++;
    }

    /** Updates a sequence's block table (it may grow during scheduling). */
    public void setBlockTable(int seqIndex, int[] blockTable) {
        blockTables[seqIndex] = blockTable;
    }

    /** Adds a token; returns its index in the batch. */
    public int addToken(int seqIndex, int token, int position, boolean wantLogits) {
        if (nTokens == capacity) {
            throw new IllegalStateException("batch is full (" + capacity + " tokens)");
        }
        int i = nTokens++;
        tokens[i] = token;
        positions[i] = position;
        seq[i] = seqIndex;
        if (wantLogits) {
            logitTokens[nLogits++] = i;
        }
        return i;
    }

    public int capacity() {
        return capacity;
    }

    public int size() {
        return nTokens;
    }

    public int token(int i) {
        return tokens[i];
    }

    public int position(int i) {
        return positions[i];
    }

    public int sequence(int i) {
        return seq[i];
    }

    public int[] blockTable(int seqIndex) {
        return blockTables[seqIndex];
    }

    /** Prompt length of sequence {@code seqIndex} (see {@link #addSequence}). */
    public int promptLength(int seqIndex) {
        return promptLengths[seqIndex];
    }

    public int sequences() {
        return nSeqs;
    }

    public int logitCount() {
        return nLogits;
    }

    /** Batch index of the token whose logits land in row {@code j} of the logits buffer. */
    public int logitToken(int j) {
        return logitTokens[j];
    }
}

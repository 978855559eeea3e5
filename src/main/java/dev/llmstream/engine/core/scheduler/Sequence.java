package dev.llmstream.engine.core.scheduler;

import dev.llmstream.engine.EngineListener;
import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.core.sampling.SamplerState;
import java.util.Arrays;

/**
 * One request's state inside the engine loop (the only thread that touches it): its tokens so far
 * (prompt then output), how many of them have KV in the cache, its block table, and the timestamps
 * and counters that become {@link dev.llmstream.engine.RequestMetrics}.
 */
public final class Sequence {
    public enum Status { WAITING, RUNNING, FINISHED }

    private final EngineRequest request;
    private final EngineListener listener;
    private final long admissionOrder;
    private final SamplerState sampler;
    private int[] tokens;
    private int numTokens;
    private final int promptLength;
    private int numComputed;
    private int[] blocks = new int[8];
    private int numBlocks;
    private long[] blockHashes = new long[8];
    private int numHashed;
    private int[] drafts = new int[8];
    private int numDrafts;
    private final dev.llmstream.engine.core.spec.SpecPolicy.State spec =
            new dev.llmstream.engine.core.spec.SpecPolicy.State();
    private Status status = Status.WAITING;
    private FinishReason finishReason;
    private int stopTokenId = -1;
    private boolean cancelRequested;
    // telemetry (engine loop only)
    long scheduledNanos;
    private long firstTokenNanos;
    private long lastTokenNanos;
    private long finishedNanos;
    int cachedPromptTokens = -1;
    int preemptions;
    private int draftedTokens;
    private int acceptedTokens;

    public Sequence(EngineRequest request, EngineListener listener, long admissionOrder, SamplerState sampler) {
        this.request = request;
        this.listener = listener;
        this.admissionOrder = admissionOrder;
        this.sampler = sampler;
        this.promptLength = request.promptLength();
        this.tokens = Arrays.copyOf(request.promptTokens(), request.promptLength() + Math.min(request.maxTokens(), 256));
        this.numTokens = promptLength;
    }

    public EngineRequest request() {
        return request;
    }

    public EngineListener listener() {
        return listener;
    }

    public String id() {
        return request.id();
    }

    /** Lower sorts first: priority, then arrival order (FCFS). */
    public long admissionOrder() {
        return admissionOrder;
    }

    public SamplerState sampler() {
        return sampler;
    }

    public int[] tokens() {
        return tokens;
    }

    public int numTokens() {
        return numTokens;
    }

    public int promptLength() {
        return promptLength;
    }

    public int outputLength() {
        return numTokens - promptLength;
    }

    public int token(int i) {
        return tokens[i];
    }

    public int lastToken() {
        return tokens[numTokens - 1];
    }

    public void append(int token) {
        if (numTokens == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[numTokens++] = token;
    }

    /** Removes trailing tokens (rejected speculative positions). */
    public void truncate(int newLength) {
        numTokens = newLength;
    }

    /** Tokens whose K/V are in the cache. */
    public int numComputed() {
        return numComputed;
    }

    public void setNumComputed(int n) {
        numComputed = n;
    }

    public int[] blockTable() {
        return blocks;
    }

    public int numBlocks() {
        return numBlocks;
    }

    public int block(int i) {
        return blocks[i];
    }

    public void addBlock(int block) {
        if (numBlocks == blocks.length) {
            blocks = Arrays.copyOf(blocks, numBlocks * 2);
        }
        blocks[numBlocks++] = block;
    }

    /** Forgets the last {@code n} block ids (the caller frees them). */
    public void dropLastBlocks(int n) {
        numBlocks -= n;
        numHashed = Math.min(numHashed, numBlocks);
    }

    /** Forgets every block (after freeing them): preemption or finish. */
    public void clearBlocks() {
        numDrafts = 0;
        numBlocks = 0;
        numHashed = 0;
        numComputed = 0;
    }

    /** Chained hashes of this sequence's leading full blocks that are committed to the cache. */
    public int numHashedBlocks() {
        return numHashed;
    }

    public long blockHash(int i) {
        return blockHashes[i];
    }

    public void pushBlockHash(long h) {
        if (numHashed == blockHashes.length) {
            blockHashes = Arrays.copyOf(blockHashes, numHashed * 2);
        }
        blockHashes[numHashed++] = h;
    }

    public Status status() {
        return status;
    }

    void setStatus(Status s) {
        status = s;
    }

    public FinishReason finishReason() {
        return finishReason;
    }

    public int stopTokenId() {
        return stopTokenId;
    }

    public void finish(FinishReason reason, int stopToken, long nowNanos) {
        finishReason = reason;
        stopTokenId = stopToken;
        finishedNanos = nowNanos;
        status = Status.FINISHED;
    }

    public boolean cancelRequested() {
        return cancelRequested;
    }

    public void requestCancel() {
        cancelRequested = true;
    }

    /** Records a generated token's time (first and latest). */
    public void stampToken(long nowNanos) {
        if (firstTokenNanos == 0) {
            firstTokenNanos = nowNanos;
        }
        lastTokenNanos = nowNanos;
    }

    public void addSpeculation(int drafted, int accepted) {
        draftedTokens += drafted;
        acceptedTokens += accepted;
    }

    /** Cumulative metrics for an output at this point. */
    public dev.llmstream.engine.RequestMetrics metrics() {
        return new dev.llmstream.engine.RequestMetrics(request.arrivalNanos(), scheduledNanos, firstTokenNanos,
                lastTokenNanos, finishedNanos, promptLength, Math.max(0, cachedPromptTokens), outputLength(),
                preemptions, draftedTokens, acceptedTokens);
    }

    /** A buffer of at least {@code k} slots to write proposals into (then {@link #setDrafts}). */
    public int[] draftBuffer(int k) {
        if (drafts.length < k) {
            drafts = new int[Math.max(k, drafts.length * 2)];
        }
        return drafts;
    }

    /** Speculative tokens proposed after the last token, to be verified in the next step. */
    public void setDrafts(int n) {
        numDrafts = n;
    }

    public int numDrafts() {
        return numDrafts;
    }

    public int draft(int i) {
        return drafts[i];
    }

    public int[] drafts() {
        return drafts;
    }

    /** Keeps only the first {@code n} drafts (budget or memory ran short). */
    public void trimDrafts(int n) {
        numDrafts = Math.min(numDrafts, Math.max(0, n));
    }

    public dev.llmstream.engine.core.spec.SpecPolicy.State specState() {
        return spec;
    }

    /** Decoding: every token but the last has KV; the next step computes one position (+ drafts). */
    public boolean isDecoding() {
        return numComputed == numTokens - 1 && numComputed >= promptLength;
    }

    public boolean isPrefilling() {
        return numComputed < numTokens - 1 || numComputed < promptLength;
    }
}

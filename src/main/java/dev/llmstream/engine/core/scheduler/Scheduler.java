package dev.llmstream.engine.core.scheduler;

import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.core.kv.BlockHash;
import dev.llmstream.engine.core.kv.BlockPool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Continuous-batching scheduler under a token budget (Yu et al. 2022 "Orca" iteration-level
 * scheduling; vLLM v1's unified prefill/decode scheduler). Each step:
 *
 * <ol>
 *   <li><b>Running</b> sequences first, in admission order: a decoding sequence gets its one token, a
 *       partly-prefilled one its next chunk. If KV blocks run out, the lowest-priority running
 *       sequence (the last admitted) is preempted — its blocks freed, to be recomputed later — until
 *       the allocation fits. Allocation failure is a value, never an exception.</li>
 *   <li><b>Waiting</b> sequences next (priority, then FCFS), if nothing was preempted this step:
 *       the longest chain of cached prompt blocks is reused (capped so at least the last token is
 *       computed), then as much of the rest as the budget allows (chunked prefill).</li>
 * </ol>
 * A long prompt therefore never holds up running decodes for more than one budget's worth of
 * compute. Owned by the engine loop thread; no locks.
 */
public final class Scheduler {
    private final SchedulerConfig config;
    private final BlockPool pool;
    private final int blockSize;
    private final List<Sequence> running = new ArrayList<>();
    private final PriorityQueue<Sequence> waiting = new PriorityQueue<>(
            Comparator.comparingInt((Sequence s) -> s.request().priority()).thenComparingLong(Sequence::admissionOrder));
    private final ScheduledBatch batch = new ScheduledBatch();
    private final List<Sequence> finishedByScheduler = new ArrayList<>();
    private long prefixQueryTokens;
    private long prefixHitTokens;
    private long preemptions;
    private int prefillBudget;

    public Scheduler(SchedulerConfig config, BlockPool pool) {
        this.config = config;
        this.pool = pool;
        this.blockSize = pool.blockSize();
        this.prefillBudget = config.maxBatchedTokens();
    }

    /**
     * Caps the prompt tokens (prefill chunks) one step may take, on top of the token budget. The
     * engine lowers it while sequences are decoding so that a step — hence every running stream's
     * inter-token latency — stays near a target duration; with no decodes it gives the full budget.
     */
    public void setPrefillBudget(int tokens) {
        prefillBudget = Math.max(1, Math.min(tokens, config.maxBatchedTokens()));
    }

    /** Sequences currently decoding (their next step computes one token, plus drafts). */
    public int decodingCount() {
        int n = 0;
        for (Sequence s : running) {
            if (s.isDecoding()) {
                n++;
            }
        }
        return n;
    }

    public BlockPool pool() {
        return pool;
    }

    public void add(Sequence s) {
        waiting.add(s);
    }

    /** Every sequence the scheduler holds (running first, then waiting), as a new list. */
    public List<Sequence> activeSequences() {
        List<Sequence> all = new ArrayList<>(running);
        all.addAll(waiting);
        return all;
    }

    public int runningCount() {
        return running.size();
    }

    public int waitingCount() {
        return waiting.size();
    }

    public long prefixQueryTokens() {
        return prefixQueryTokens;
    }

    public long prefixHitTokens() {
        return prefixHitTokens;
    }

    public void resetCounters() {
        prefixQueryTokens = 0;
        prefixHitTokens = 0;
        preemptions = 0;
    }

    public long preemptions() {
        return preemptions;
    }

    /**
     * Sequences the scheduler had to end during the last {@link #schedule} (a sequence that cannot fit
     * in the whole KV pool ends with {@link FinishReason#LENGTH}); the engine emits their final output.
     */
    public List<Sequence> finishedByScheduler() {
        return finishedByScheduler;
    }

    /** Decides the next step. The returned batch is reused by the next call. */
    public ScheduledBatch schedule(long nowNanos) {
        batch.clear();
        finishedByScheduler.clear();
        int budget = config.maxBatchedTokens();
        int prefillLeft = prefillBudget;
        boolean preempted = false;
        for (int i = 0; i < running.size() && budget > 0; i++) {
            Sequence s = running.get(i);
            int drafts = s.isDecoding() ? s.numDrafts() : 0;
            int n = Math.min(s.numTokens() - s.numComputed() + drafts, budget);
            if (s.isDecoding()) {
                s.trimDrafts(n - 1);
            } else {
                n = Math.min(n, prefillLeft);
                if (n <= 0) {
                    continue; // no prefill this step: the decodes keep their inter-token latency
                }
            }
            boolean scheduled = true;
            while (!allocate(s, n)) {
                if (s.numDrafts() > 0 && s.isDecoding()) { // drop the speculation before hurting anyone
                    s.trimDrafts(0);
                    n = 1;
                    continue;
                }
                Sequence victim = running.getLast();
                preempt(victim);
                preempted = true;
                if (victim == s) {
                    scheduled = false;
                    if (running.isEmpty() && waiting.size() == 1 && !fitsAtAll(s)) {
                        waiting.remove(s);
                        s.finish(FinishReason.LENGTH, -1, nowNanos);
                        finishedByScheduler.add(s);
                    }
                    break;
                }
            }
            if (scheduled) {
                if (!s.isDecoding()) {
                    prefillLeft -= n;
                }
                batch.add(s, n);
                budget -= n;
            }
        }
        while (!preempted && budget > 0 && prefillLeft > 0 && running.size() < config.maxSequences()
                && !waiting.isEmpty()) {
            Sequence s = waiting.peek();
            if (!fitsAtAll(s)) {
                waiting.poll();
                s.finish(FinishReason.LENGTH, -1, nowNanos);
                finishedByScheduler.add(s);
                continue;
            }
            boolean firstAdmission = s.cachedPromptTokens < 0;
            int reused = s.numBlocks() == 0 && config.prefixCaching() ? reuseCachedPrefix(s) : 0;
            int n = Math.min(Math.min(s.numTokens() - s.numComputed(), budget), prefillLeft);
            if (!allocate(s, n)) {
                releaseAll(s); // undo the prefix hit: don't pin blocks while waiting
                break;
            }
            prefillLeft -= n;
            waiting.poll();
            if (firstAdmission) {
                s.cachedPromptTokens = reused;
                prefixQueryTokens += s.promptLength();
                prefixHitTokens += reused;
            }
            if (s.scheduledNanos == 0) {
                s.scheduledNanos = nowNanos;
            }
            s.setStatus(Sequence.Status.RUNNING);
            running.add(s);
            batch.add(s, n);
            budget -= n;
        }
        return batch;
    }

    /**
     * After the step ran: the scheduled tokens now have KV; full blocks are committed to the prefix
     * cache. Call once per scheduled sequence, before appending the sampled token.
     */
    public void computed(Sequence s, int n) {
        s.setNumComputed(s.numComputed() + n);
        if (!config.prefixCaching()) {
            return;
        }
        while ((s.numHashedBlocks() + 1) * blockSize <= s.numComputed()) {
            int j = s.numHashedBlocks();
            long parentHash = j == 0 ? 0 : s.blockHash(j - 1);
            long h = BlockHash.of(parentHash, s.tokens(), j * blockSize, blockSize, s.request().cacheSalt());
            pool.commit(s.block(j), h, j == 0 ? -1 : s.block(j - 1), s.tokens(), j * blockSize, s.request().cacheSalt());
            s.pushBlockHash(h);
        }
    }

    /** Frees blocks beyond what the sequence's tokens need (after rejected drafts). */
    public void trimBlocks(Sequence s) {
        int keep = blocksFor(s.numTokens());
        int extra = s.numBlocks() - keep;
        if (extra > 0) {
            for (int i = s.numBlocks() - 1; i >= keep; i--) {
                pool.free(s.block(i));
            }
            s.dropLastBlocks(extra);
        }
    }

    /** The running sequences in admission order (read-only view for the engine step). */
    public List<Sequence> running() {
        return java.util.Collections.unmodifiableList(running);
    }

    /** Removes a finished or cancelled sequence from whichever queue holds it and frees its blocks. */
    public void release(Sequence s) {
        if (!running.remove(s)) {
            waiting.remove(s);
        }
        releaseAll(s);
    }

    /** Whether a sequence of this length could ever fit in the pool (with one more token). */
    private boolean fitsAtAll(Sequence s) {
        return blocksFor(s.numTokens() + 1) <= pool.numBlocks();
    }

    private int blocksFor(int tokens) {
        return (tokens + blockSize - 1) / blockSize;
    }

    /** Ensures blocks for {@code numComputed + n} tokens; all-or-nothing. */
    private boolean allocate(Sequence s, int n) {
        int need = blocksFor(s.numComputed() + n) - s.numBlocks();
        if (need <= 0) {
            return true;
        }
        if (need > pool.freeBlocks()) {
            return false;
        }
        for (int i = 0; i < need; i++) {
            s.addBlock(pool.allocate());
        }
        return true;
    }

    private int reuseCachedPrefix(Sequence s) {
        int limit = s.numTokens() - 1; // always compute at least the last token (its logits are needed)
        long parentHash = 0;
        int parentBlock = -1;
        int j = 0;
        while ((j + 1) * blockSize <= limit) {
            long h = BlockHash.of(parentHash, s.tokens(), j * blockSize, blockSize, s.request().cacheSalt());
            int b = pool.acquireCached(h, parentBlock, s.tokens(), j * blockSize, s.request().cacheSalt());
            if (b < 0) {
                break;
            }
            s.addBlock(b);
            s.pushBlockHash(h);
            parentHash = h;
            parentBlock = b;
            j++;
        }
        s.setNumComputed(j * blockSize);
        return j * blockSize;
    }

    private void preempt(Sequence s) {
        running.remove(s);
        s.setDrafts(0);
        releaseAll(s);
        s.preemptions++;
        preemptions++;
        s.setStatus(Sequence.Status.WAITING);
        waiting.add(s);
    }

    private void releaseAll(Sequence s) {
        for (int i = s.numBlocks() - 1; i >= 0; i--) {
            pool.free(s.block(i));
        }
        s.clearBlocks();
    }
}

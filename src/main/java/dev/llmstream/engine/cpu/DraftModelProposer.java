package dev.llmstream.engine.cpu;

import dev.llmstream.engine.core.kv.BlockPool;
import dev.llmstream.engine.core.sampling.Sampler;
import dev.llmstream.engine.core.scheduler.Sequence;
import dev.llmstream.engine.cpu.model.ForwardBatch;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draft-model speculation: a smaller model sharing the target's vocabulary proposes k tokens
 * autoregressively, batched across all speculating sequences, on the same compute pool and with the
 * same forward-pass code as the target, but with its own small paged KV cache.
 *
 * <p>Drafts are greedy (the draft model's argmax). That makes the proposal distribution a point mass,
 * for which rejection sampling in {@link dev.llmstream.engine.core.spec.SpecVerifier} is exact for
 * sampled requests too, and needs no per-position distributions to be kept.
 *
 * <p>Each sequence's draft KV tracks the target's tokens: before proposing, the tokens the draft has
 * not seen yet are fed (the whole prompt the first time, chunked to the batch capacity); after
 * verification, positions past the accepted prefix are forgotten ({@link #afterVerify}). Blocks come
 * from the draft's own pool; when it is exhausted a sequence simply gets no drafts. Owned by the engine
 * loop.
 */
final class DraftModelProposer implements AutoCloseable {
    private final CpuModel draft;
    private final BlockPool pool;
    private final ForwardBatch batch;
    private final int vocab;
    private final Map<Sequence, State> states = new IdentityHashMap<>();

    private static final class State {
        int[] blocks = new int[8];
        int numBlocks;
        int computed;

        int[] table() {
            return blocks;
        }
    }

    DraftModelProposer(CpuModel draft, int targetVocab) {
        if (draft.config().vocabSize() != targetVocab) {
            throw new IllegalArgumentException("draft model vocabulary (" + draft.config().vocabSize()
                    + " tokens) differs from the target's (" + targetVocab + ")");
        }
        this.draft = draft;
        this.pool = new BlockPool(draft.kv().numBlocks(), draft.kv().blockSize());
        this.batch = new ForwardBatch(draft.forward().maxTokens(), 64);
        this.vocab = targetVocab;
    }

    /** Writes up to {@code ks[i]} greedy draft tokens into each sequence's draft buffer. */
    void propose(List<Sequence> seqs, int[] ks) {
        int n = seqs.size();
        int[] k = Arrays.copyOf(ks, n);
        for (int i = 0; i < n; i++) {
            Sequence s = seqs.get(i);
            s.setDrafts(0);
            if (k[i] > 0 && !ensureBlocks(state(s), s.numTokens() + k[i] - 1)) {
                k[i] = 0;
            }
        }
        catchUpAndDraftFirst(seqs, k);
        int maxK = Arrays.stream(k).max().orElse(0);
        for (int j = 1; j < maxK; j++) {
            batch.clear();
            int[] row = new int[n];
            int rows = 0;
            for (int i = 0; i < n; i++) {
                row[i] = -1;
                if (j < k[i]) {
                    Sequence s = seqs.get(i);
                    State st = states.get(s);
                    int seq = batch.addSequence(st.table(), s.promptLength());
                    batch.addToken(seq, s.draft(j - 1), s.numTokens() - 1 + j, true);
                    row[i] = rows++;
                }
            }
            float[] logits = draft.forward().forward(batch);
            for (int i = 0; i < n; i++) {
                if (row[i] >= 0) {
                    Sequence s = seqs.get(i);
                    s.draftBuffer(k[i])[j] = Sampler.argmax(logits, row[i] * vocab, vocab);
                    states.get(s).computed = s.numTokens() + j;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            seqs.get(i).setDrafts(k[i]);
        }
    }

    /** Feeds unseen tokens (chunked to the batch capacity) and takes the first draft from the last. */
    private void catchUpAndDraftFirst(List<Sequence> seqs, int[] k) {
        int n = seqs.size();
        boolean pending = true;
        while (pending) {
            pending = false;
            batch.clear();
            int[] row = new int[n];
            int rows = 0;
            for (int i = 0; i < n; i++) {
                row[i] = -1;
                if (k[i] == 0) {
                    continue;
                }
                Sequence s = seqs.get(i);
                State st = states.get(s);
                int remaining = s.numTokens() - st.computed;
                if (remaining <= 0 || s.draftBuffer(k[i]) == null) {
                    continue;
                }
                int room = batch.capacity() - batch.size();
                if (room <= 0) {
                    pending = true;
                    continue;
                }
                int take = Math.min(remaining, room);
                int seq = batch.addSequence(st.table(), s.promptLength());
                for (int p = st.computed; p < st.computed + take; p++) {
                    batch.addToken(seq, s.token(p), p, p == s.numTokens() - 1);
                }
                if (st.computed + take == s.numTokens()) {
                    row[i] = rows++;
                } else {
                    pending = true;
                }
                st.computed += take;
            }
            if (batch.size() == 0) {
                return;
            }
            float[] logits = draft.forward().forward(batch);
            for (int i = 0; i < n; i++) {
                if (row[i] >= 0) {
                    seqs.get(i).draftBuffer(k[i])[0] = Sampler.argmax(logits, row[i] * vocab, vocab);
                }
            }
        }
    }

    /** After verification the draft's KV is valid up to the last accepted token only. */
    void afterVerify(Sequence s) {
        State st = states.get(s);
        if (st != null) {
            st.computed = Math.min(st.computed, s.numTokens() - 1);
        }
    }

    /** The sequence finished: its draft blocks go back. */
    void release(Sequence s) {
        State st = states.remove(s);
        if (st != null) {
            for (int i = 0; i < st.numBlocks; i++) {
                pool.free(st.blocks[i]);
            }
        }
    }

    private State state(Sequence s) {
        return states.computeIfAbsent(s, x -> new State());
    }

    private boolean ensureBlocks(State st, int positions) {
        int bs = pool.blockSize();
        int need = (positions + bs - 1) / bs - st.numBlocks;
        if (need > pool.freeBlocks()) {
            return false;
        }
        for (int i = 0; i < need; i++) {
            if (st.numBlocks == st.blocks.length) {
                st.blocks = Arrays.copyOf(st.blocks, st.numBlocks * 2);
            }
            st.blocks[st.numBlocks++] = pool.allocate();
        }
        return true;
    }

    @Override
    public void close() {
        draft.close(false);
    }
}

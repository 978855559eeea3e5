package dev.llmstream.engine.core.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.engine.EngineRequest;
import dev.llmstream.engine.FinishReason;
import dev.llmstream.engine.core.kv.BlockPool;
import dev.llmstream.engine.core.sampling.SamplerState;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Scheduler decisions on tiny pools, with exact block ids — no model involved. */
class SchedulerTest {
    private long order;

    private Sequence seq(String id, int[] prompt, int maxTokens) {
        return new Sequence(EngineRequest.greedy(id, prompt, maxTokens), o -> { }, ++order,
                new SamplerState(null, false, false));
    }

    private static int[] tokens(int from, int n) {
        return IntStream.range(from, from + n).toArray();
    }

    /** Pretends the step ran: marks tokens computed and, where a sequence caught up, appends a token. */
    private static void complete(Scheduler s, ScheduledBatch b, int nextToken) {
        List<Sequence> seqs = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            seqs.add(b.sequence(i));
        }
        for (int i = 0; i < seqs.size(); i++) {
            Sequence q = seqs.get(i);
            s.computed(q, b.count(i));
            if (q.numComputed() == q.numTokens()) {
                q.append(nextToken);
            }
        }
    }

    private static int[] blocks(Sequence s) {
        return java.util.Arrays.copyOf(s.blockTable(), s.numBlocks());
    }

    @Test
    void longPromptIsPrefilledInBudgetSizedChunks() {
        Scheduler s = new Scheduler(new SchedulerConfig(8, 4, 10, true), new BlockPool(16, 4));
        Sequence a = seq("a", tokens(100, 20), 5);
        s.add(a);
        int[] chunks = new int[4];
        for (int step = 0; step < 4; step++) {
            ScheduledBatch b = s.schedule(step);
            assertThat(b.size()).isEqualTo(1);
            chunks[step] = b.count(0);
            complete(s, b, 7);
        }
        assertThat(chunks).containsExactly(8, 8, 4, 1);
        assertThat(blocks(a)).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void runningDecodesGoFirstAndBoundTheWaitForNewPrefill() {
        Scheduler s = new Scheduler(new SchedulerConfig(6, 4, 10, true), new BlockPool(32, 4));
        Sequence a = seq("a", tokens(1, 5), 50);
        s.add(a);
        complete(s, s.schedule(0), 9); // a prefilled (5 <= 6) and got its first token
        Sequence big = seq("big", tokens(200, 30), 5);
        s.add(big);
        ScheduledBatch b = s.schedule(1);
        assertThat(b.sequence(0)).isSameAs(a);
        assertThat(b.count(0)).isEqualTo(1);
        assertThat(b.sequence(1)).isSameAs(big);
        assertThat(b.count(1)).isEqualTo(5); // the rest of the budget, never more
        assertThat(b.totalTokens()).isEqualTo(6);
    }

    @Test
    void outOfBlocksPreemptsTheLastAdmittedAndRecomputesLater() {
        Scheduler s = new Scheduler(new SchedulerConfig(64, 4, 10, true), new BlockPool(4, 4));
        Sequence a = seq("a", tokens(1, 7), 50);
        Sequence b = seq("b", tokens(50, 7), 50);
        s.add(a);
        s.add(b);
        complete(s, s.schedule(0), 3); // a: blocks 0,1 ; b: blocks 2,3 ; each now has 8 tokens
        assertThat(blocks(a)).containsExactly(0, 1);
        assertThat(blocks(b)).containsExactly(2, 3);
        ScheduledBatch both = s.schedule(1); // the 8th token's KV still fits in the second block
        assertThat(both.size()).isEqualTo(2);
        complete(s, both, 3);
        // the 9th token of each needs a third block each: only by preempting b (last admitted)
        ScheduledBatch step = s.schedule(2);
        assertThat(step.size()).isEqualTo(1);
        assertThat(step.sequence(0)).isSameAs(a);
        assertThat(s.preemptions()).isEqualTo(1);
        assertThat(b.status()).isEqualTo(Sequence.Status.WAITING);
        assertThat(b.numBlocks()).isZero();
        assertThat(blocks(a)).containsExactly(0, 1, 3);
        complete(s, step, 4);
        // a finishes: its blocks go back; b comes back and reuses its own cached full first block
        a.finish(FinishReason.LENGTH, -1, 2);
        s.release(a);
        ScheduledBatch again = s.schedule(3);
        assertThat(again.sequence(0)).isSameAs(b);
        assertThat(b.numComputed()).as("first full block of b (tokens 50..53) was still cached").isEqualTo(4);
        assertThat(again.count(0)).isEqualTo(b.numTokens() - 4);
        assertThat(b.block(0)).isEqualTo(2);
    }

    @Test
    void identicalPromptsShareCachedBlocksCappedBeforeTheLastToken() {
        BlockPool pool = new BlockPool(16, 4);
        Scheduler s = new Scheduler(new SchedulerConfig(64, 4, 10, true), pool);
        int[] prompt = tokens(10, 12);
        Sequence a = seq("a", prompt, 5);
        s.add(a);
        complete(s, s.schedule(0), 1);
        assertThat(blocks(a)).containsExactly(0, 1, 2);
        Sequence b = seq("b", prompt, 5);
        s.add(b);
        ScheduledBatch step = s.schedule(1);
        // 12-token prompt: full blocks 0,1 shared; block 2 (tokens 8..11) would cover the last token,
        // which must be recomputed for its logits, so only 8 tokens come from the cache
        assertThat(b.block(0)).isEqualTo(0);
        assertThat(b.block(1)).isEqualTo(1);
        assertThat(pool.refCount(0)).isEqualTo(2);
        assertThat(b.metrics().cachedPromptTokens()).isEqualTo(8);
        assertThat(s.prefixHitTokens()).isEqualTo(8);
        assertThat(s.prefixQueryTokens()).isEqualTo(24);
        int idx = step.sequence(0) == b ? 0 : 1;
        assertThat(step.count(idx)).isEqualTo(4);
    }

    @Test
    void freedPrefixBlocksAreEvictedLeastRecentlyUsedFirst() {
        BlockPool pool = new BlockPool(6, 4);
        Scheduler s = new Scheduler(new SchedulerConfig(64, 4, 10, true), pool);
        Sequence a = seq("a", tokens(0, 9), 1);
        s.add(a);
        complete(s, s.schedule(0), 1); // blocks 0,1 full (cached), 2 partial
        a.finish(FinishReason.LENGTH, -1, 1);
        s.release(a);
        assertThat(pool.freeQueue()).containsExactly(3, 4, 5, 2, 1, 0);
        Sequence b = seq("b", tokens(500, 17), 1); // needs 5 blocks: takes 3,4,5 then evicts 2 and 1
        s.add(b);
        s.schedule(1);
        assertThat(blocks(b)).containsExactly(3, 4, 5, 2, 1);
        assertThat(pool.isCached(0)).isTrue();
        assertThat(pool.isCached(1)).isFalse();
    }

    @Test
    void aSequenceThatCanNeverFitFinishesWithLength() {
        Scheduler s = new Scheduler(new SchedulerConfig(64, 4, 10, true), new BlockPool(2, 4));
        Sequence big = seq("big", tokens(0, 20), 5);
        s.add(big);
        ScheduledBatch b = s.schedule(0);
        assertThat(b.isEmpty()).isTrue();
        assertThat(s.finishedByScheduler()).containsExactly(big);
        assertThat(big.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(s.waitingCount()).isZero();
    }
}

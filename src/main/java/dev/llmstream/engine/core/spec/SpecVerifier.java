package dev.llmstream.engine.core.spec;

import dev.llmstream.engine.SamplingParams;
import dev.llmstream.engine.core.sampling.Sampler;
import dev.llmstream.engine.core.sampling.SamplerState;

/**
 * Turns the target model's logits at 1 + k positions into output tokens — plain sampling when
 * {@code k = 0}, speculative verification otherwise (Leviathan et al. 2023, "Fast Inference from
 * Transformers via Speculative Decoding"; Chen et al. 2023, "Accelerating LLM Decoding with
 * Speculative Sampling").
 *
 * <p>Row {@code i} holds the target's logits after the sequence's last token and drafts
 * {@code d_1..d_i}. For each draft, in order:
 * <ul>
 *   <li>greedy: accept {@code d_{i+1}} iff it is the argmax — so the output is exactly what plain
 *       greedy decoding produces;</li>
 *   <li>sampled: accept with probability {@code min(1, p(d)/q(d))} where p is the target's final
 *       sampling distribution (after every logits processor) and q the proposer's; on rejection draw
 *       from the residual {@code max(0, p − q)} renormalized. This keeps the output distribution equal
 *       to sampling from p alone.</li>
 * </ul>
 * After all drafts are accepted, one bonus token is sampled from the last row. Penalties and min-token
 * suppression see each accepted token before the next position is judged. Owned by the engine loop.
 */
public final class SpecVerifier {
    private final Sampler sampler;
    private final int vocab;

    public SpecVerifier(Sampler sampler, int vocab) {
        this.sampler = sampler;
        this.vocab = vocab;
    }

    /**
     * @param logits       logits buffer; rows {@code firstRow .. firstRow + nDrafts} belong to this sequence
     * @param drafts       drafted tokens {@code d_1..d_nDrafts}
     * @param q            proposal distribution of the drafts
     * @param outputSoFar  tokens already generated (for min-token suppression)
     * @param minTokens    end tokens are suppressed until this many outputs exist
     * @param suppressIds  the end tokens to suppress until then
     * @param out          receives the emitted tokens (accepted drafts, then the corrected/bonus token)
     * @return the number of emitted tokens, {@code 1 + accepted drafts}
     */
    public int verify(float[] logits, int firstRow, int[] drafts, int nDrafts, DraftProbabilities q,
                      SamplingParams p, SamplerState state, int outputSoFar, int minTokens, int[] suppressIds,
                      int[] out) {
        int emitted = 0;
        for (int i = 0; i <= nDrafts; i++) {
            int off = (firstRow + i) * vocab;
            int[] suppress = outputSoFar + emitted < minTokens ? suppressIds : null;
            if (i == nDrafts) {
                out[emitted++] = accept(state, sampler.sample(logits, off, p, state, suppress));
                return emitted;
            }
            int d = drafts[i];
            if (p.isGreedy()) {
                int best = sampler.sample(logits, off, p, state, suppress);
                out[emitted++] = accept(state, best);
                if (best != d) {
                    return emitted;
                }
                continue;
            }
            sampler.distribution(logits, off, p, state, suppress);
            double pd = sampler.probabilityOf(d);
            double qd = q.probability(i, d);
            if (qd > 0 && state.nextUniform() < Math.min(1.0, pd / qd)) {
                out[emitted++] = accept(state, d);
                continue;
            }
            out[emitted++] = accept(state, drawResidual(state, q, i));
            return emitted;
        }
        return emitted;
    }

    private static int accept(SamplerState state, int token) {
        state.accept(token);
        return token;
    }

    /** Draws from max(0, p − q) renormalized, over the candidates of the last distribution. */
    private int drawResidual(SamplerState state, DraftProbabilities q, int i) {
        double total = 0;
        int n = sampler.candidateCount();
        for (int c = 0; c < n; c++) {
            total += Math.max(0, sampler.probability(c) - q.probability(i, sampler.candidate(c)));
        }
        if (total <= 0) { // p ⊆ q's mass exactly: fall back to p
            return sampler.draw(state.nextUniform());
        }
        double u = state.nextUniform() * total;
        double acc = 0;
        int last = sampler.candidate(0);
        for (int c = 0; c < n; c++) {
            double r = Math.max(0, sampler.probability(c) - q.probability(i, sampler.candidate(c)));
            if (r <= 0) {
                continue;
            }
            last = sampler.candidate(c);
            acc += r;
            if (u < acc) {
                return last;
            }
        }
        return last;
    }
}

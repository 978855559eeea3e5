package dev.llmstream.engine.core.kv;

/**
 * Identity of a full KV block: a 64-bit chained hash of (parent block's hash, the block's token ids,
 * a salt). Chaining makes a block's identity depend on the whole prefix before it, as in vLLM's
 * prefix caching; the salt isolates tenants ({@code cache_salt}). Never 0 (0 means "no hash").
 */
public final class BlockHash {
    private BlockHash() {}

    public static long of(long parentHash, int[] tokens, int off, int len, long salt) {
        long h = 0x9E3779B97F4A7C15L ^ parentHash * 0xC2B2AE3D27D4EB4FL ^ salt * 0x165667B19E3779F9L;
        for (int i = off; i < off + len; i++) {
            h = mix(h ^ (tokens[i] & 0xFFFF_FFFFL) * 0x9E3779B97F4A7C15L);
        }
        h = mix(h ^ len);
        return h == 0 ? 1 : h;
    }

    /** SplitMix64 finalizer (Steele, Lea, Flood 2014). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

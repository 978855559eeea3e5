package dev.llmstream.engine.core.sampling;

/**
 * Candidate selection for sampling without sorting the whole vocabulary:
 * <ul>
 *   <li>top-k ({@code k < n}): a size-k min-heap over the logits, O(n log k), then the k survivors
 *       sorted;</li>
 *   <li>top-p over the full vocabulary: the exact nucleus by popping a max-heap built in O(n) until
 *       the cumulative mass reaches {@code p} — O(n + m log n) for a nucleus of m tokens, instead of
 *       an O(n log n) sort of 150k logits per token;</li>
 *   <li>neither: every token, in id order.</li>
 * </ul>
 * Probabilities are the softmax of the (temperature-scaled) logits over the top-k set.
 */
final class TopK {
    private TopK() {}

    /**
     * @return the number of candidates written to {@code ids}/{@code probs} (unnormalized after the
     *         top-p cut; descending order unless neither filter applied)
     */
    static int select(float[] w, int n, int k, float topP, int[] ids, double[] probs) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, w[i]);
        }
        if (max == Float.NEGATIVE_INFINITY) { // everything suppressed: fall back to token 0
            ids[0] = 0;
            probs[0] = 1;
            return 1;
        }
        int count;
        if (k < n) {
            count = topKSorted(w, n, k, ids);
            double z = 0;
            for (int i = 0; i < count; i++) {
                probs[i] = Math.exp((double) w[ids[i]] - max);
                z += probs[i];
            }
            for (int i = 0; i < count; i++) {
                probs[i] /= z;
            }
            return nucleus(probs, count, topP);
        }
        double z = 0;
        for (int i = 0; i < n; i++) {
            z += Math.exp((double) w[i] - max);
        }
        if (topP >= 1f) {
            count = 0;
            for (int i = 0; i < n; i++) {
                double p = Math.exp((double) w[i] - max) / z;
                if (p > 0) {
                    ids[count] = i;
                    probs[count++] = p;
                }
            }
            return count;
        }
        // max-heap of all ids in ids[0..n), popped into ids[count..] growing from the front
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        int heapSize = n;
        for (int i = heapSize / 2 - 1; i >= 0; i--) {
            siftDownMax(w, ids, i, heapSize);
        }
        // popped elements are moved to the end of the array; read back in pop order afterwards
        double cumulative = 0;
        int popped = 0;
        while (heapSize > 0 && cumulative < topP) {
            int top = ids[0];
            ids[0] = ids[--heapSize];
            ids[heapSize] = top;
            siftDownMax(w, ids, 0, heapSize);
            cumulative += Math.exp((double) w[top] - max) / z;
            popped++;
        }
        // pop order is ids[n-1], ids[n-2], ...: move to the front
        for (int i = 0; i < popped; i++) {
            int id = ids[n - 1 - i];
            ids[i] = id;
        }
        for (int i = 0; i < popped; i++) {
            probs[i] = Math.exp((double) w[ids[i]] - max) / z;
        }
        return popped;
    }

    /** Keeps the shortest prefix of descending {@code probs} whose mass reaches {@code topP}. */
    private static int nucleus(double[] probs, int count, float topP) {
        if (topP >= 1f) {
            return count;
        }
        double cumulative = 0;
        for (int i = 0; i < count; i++) {
            cumulative += probs[i];
            if (cumulative >= topP) {
                return i + 1;
            }
        }
        return count;
    }

    /** Top {@code k} ids by value, written to {@code out[0..k)} in descending order. */
    static int topKSorted(float[] w, int n, int k, int[] out) {
        // min-heap of size k in out[0..k)
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (size < k) {
                out[size++] = i;
                siftUpMin(w, out, size - 1);
            } else if (greater(w, i, out[0])) {
                out[0] = i;
                siftDownMin(w, out, 0, size);
            }
        }
        // heap-sort ascending by popping the min to the end -> descending order in out[0..size)
        for (int end = size - 1; end > 0; end--) {
            int t = out[0];
            out[0] = out[end];
            out[end] = t;
            siftDownMin(w, out, 0, end);
        }
        return size;
    }

    /** Strict order on (value desc, id asc) so ties resolve to the lower id, deterministically. */
    private static boolean greater(float[] w, int a, int b) {
        return w[a] > w[b] || (w[a] == w[b] && a < b);
    }

    private static void siftUpMin(float[] w, int[] h, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (greater(w, h[parent], h[i])) {
                int t = h[parent];
                h[parent] = h[i];
                h[i] = t;
                i = parent;
            } else {
                return;
            }
        }
    }

    private static void siftDownMin(float[] w, int[] h, int i, int size) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int m = l + 1 < size && greater(w, h[l], h[l + 1]) ? l + 1 : l;
            if (greater(w, h[i], h[m])) {
                int t = h[i];
                h[i] = h[m];
                h[m] = t;
                i = m;
            } else {
                return;
            }
        }
    }

    private static void siftDownMax(float[] w, int[] h, int i, int size) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int m = l + 1 < size && greater(w, h[l + 1], h[l]) ? l + 1 : l;
            if (greater(w, h[m], h[i])) {
                int t = h[i];
                h[i] = h[m];
                h[m] = t;
                i = m;
            } else {
                return;
            }
        }
    }
}

package dev.llmstream.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Aggregates of a run (warm-up excluded). Throughputs divide by the run duration: from the start of the
 * run (first scheduled send) to the end of the last request, failed ones included — the "benchmark
 * duration" of vLLM's bench and AIPerf.
 *
 * <ul>
 *   <li>{@code requestS} = completed ÷ duration; {@code outputTokS} = output tokens of completed
 *       requests ÷ duration; {@code totalTokS} = (input + output tokens) ÷ duration.</li>
 *   <li>TTFT, TPOT, e2e, {@code tpotInclFirst}: one sample per completed request (request-weighted);
 *       TPOT leaves out requests with fewer than 2 tokens. ITL: one sample per chunk gap, pooled over
 *       requests (token-weighted when a chunk is a token), as vLLM's ITL.</li>
 *   <li>{@code queue}: client-side wait after the scheduled time (open loop with a cap or a late
 *       client; 0 in a closed loop).</li>
 *   <li>{@code peakOutputTokS}: the busiest 1-second window (vLLM's "peak output token throughput"),
 *       spreading a request's tokens evenly over its output chunks.</li>
 *   <li>{@code goodput}: completed requests meeting every SLO ÷ duration.</li>
 *   <li>{@code prefixCache}: for workloads with prefix groups, TTFT of each group's first request (cold)
 *       against the later ones (warm).</li>
 * </ul>
 */
public record Summary(
        int completed, int failed, int warmup, double durationS, double requestS, double outputTokS, double totalTokS,
        long inputTokens, long outputTokens, long cachedTokens, String outputTokensSource,
        double peakOutputTokS, int peakConcurrency, double meanOutputTokSPerUser,
        Distribution ttft, Distribution tpot, Distribution itl, Distribution e2e, Distribution tpotInclFirst,
        Distribution queue, Map<String, Integer> errors, Goodput goodput, PrefixCache prefixCache) {

    /** Requests meeting all SLOs. */
    public record Goodput(String slo, int met, double requestS, double fractionOfCompleted) {
    }

    /** Cold (first of its prefix group) vs warm TTFT. */
    public record PrefixCache(int groups, Distribution coldTtft, Distribution warmTtft, double warmToColdP50) {
    }

    /** Aggregates {@code records} (the measured requests) of a run that also sent {@code warmup} warm-ups. */
    public static Summary of(List<RequestRecord> records, int warmup, Slo slo) {
        List<RequestRecord> ok = records.stream().filter(RequestRecord::ok).toList();
        double durationS = durationNanos(records) / 1e9;
        long in = 0;
        long out = 0;
        long cached = -1;
        Set<String> sources = new HashSet<>();
        List<Long> itl = new ArrayList<>();
        double[] ttft = new double[ok.size()];
        double[] tpot = new double[ok.size()];
        double[] e2e = new double[ok.size()];
        double[] inclFirst = new double[ok.size()];
        double[] queue = new double[ok.size()];
        double perUserSum = 0;
        int perUserN = 0;
        for (int i = 0; i < ok.size(); i++) {
            RequestRecord r = ok.get(i);
            in += Math.max(0, r.inputTokens());
            out += r.outputTokens();
            if (r.cachedTokens() >= 0) {
                cached = Math.max(cached, 0) + r.cachedTokens();
            }
            sources.add(r.outputTokensSource());
            ttft[i] = r.ttftNanos();
            tpot[i] = r.tpotNanos();
            e2e[i] = r.e2eNanos();
            inclFirst[i] = r.tpotInclFirstNanos();
            queue[i] = r.queueNanos();
            for (long g : r.itlNanos()) {
                itl.add(g);
            }
            double perUser = LatencyMath.tokensPerSecondPerUser(r.chunkNanos(), r.outputTokens());
            if (!Double.isNaN(perUser)) {
                perUserSum += perUser;
                perUserN++;
            }
        }
        Map<String, Integer> errors = new TreeMap<>();
        for (RequestRecord r : records) {
            if (!r.ok()) {
                errors.merge(r.errorKey(), 1, Integer::sum);
            }
        }
        Goodput goodput = null;
        if (!slo.isEmpty()) {
            int met = (int) ok.stream().filter(slo::met).count();
            goodput = new Goodput(slo.describe(), met, rate(met, durationS),
                    ok.isEmpty() ? Double.NaN : (double) met / ok.size());
        }
        String source = sources.size() == 1 ? sources.iterator().next() : sources.isEmpty() ? "none" : "mixed";
        return new Summary(ok.size(), records.size() - ok.size(), warmup, durationS, rate(ok.size(), durationS),
                rate(out, durationS), rate(in + out, durationS), in, out, cached, source,
                peak(outputTokensPerSecond(records)), peakConcurrency(records),
                perUserN == 0 ? Double.NaN : perUserSum / perUserN,
                Distribution.ofNanos(ttft), Distribution.ofNanos(tpot),
                Distribution.ofNanos(itl.stream().mapToLong(Long::longValue).toArray()),
                Distribution.ofNanos(e2e), Distribution.ofNanos(inclFirst), Distribution.ofNanos(queue),
                errors, goodput, prefixCache(ok));
    }

    private static double rate(double amount, double seconds) {
        return seconds > 0 ? amount / seconds : 0;
    }

    /** Start of the run to the end of its last request; 0 without any record. */
    static long durationNanos(List<RequestRecord> records) {
        long end = 0;
        for (RequestRecord r : records) {
            end = Math.max(end, Math.max(r.sentNanos(), r.finishedAtNanos()));
        }
        return end;
    }

    /**
     * Output tokens received in each 1-second window from the start of the run; a completed request's
     * tokens are spread evenly over its output chunks.
     */
    public static double[] outputTokensPerSecond(List<RequestRecord> records) {
        int seconds = (int) (durationNanos(records) / 1_000_000_000L) + 1;
        double[] buckets = new double[seconds];
        for (RequestRecord r : records) {
            int k = r.chunkNanos().length;
            if (!r.ok() || k == 0) {
                continue;
            }
            double perChunk = (double) r.outputTokens() / k;
            for (int i = 0; i < k; i++) {
                int s = (int) Math.min(seconds - 1, Math.max(0, r.chunkAtNanos(i) / 1_000_000_000L));
                buckets[s] += perChunk;
            }
        }
        return buckets;
    }

    private static double peak(double[] perSecond) {
        double p = 0;
        for (double v : perSecond) {
            p = Math.max(p, v);
        }
        return p;
    }

    /** Most requests in flight at once (from send to last event). */
    static int peakConcurrency(List<RequestRecord> records) {
        List<long[]> events = new ArrayList<>();
        for (RequestRecord r : records) {
            long end = r.finishedAtNanos();
            events.add(new long[] {r.sentNanos(), 1});
            events.add(new long[] {end < 0 ? r.sentNanos() : end, -1});
        }
        // At equal times an end comes before a start: back-to-back requests of one client are not overlap.
        events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        int now = 0;
        int peak = 0;
        for (long[] e : events) {
            now += (int) e[1];
            peak = Math.max(peak, now);
        }
        return peak;
    }

    private static PrefixCache prefixCache(List<RequestRecord> ok) {
        Set<String> seen = new HashSet<>();
        List<Double> cold = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        ok.stream().filter(r -> r.group() != null).sorted(Comparator.comparingInt(RequestRecord::index)).forEach(r -> {
            (seen.add(r.group()) ? cold : warm).add((double) r.ttftNanos());
        });
        if (seen.isEmpty()) {
            return null;
        }
        Distribution c = Distribution.ofNanos(cold.stream().mapToDouble(Double::doubleValue).toArray());
        Distribution w = Distribution.ofNanos(warm.stream().mapToDouble(Double::doubleValue).toArray());
        return new PrefixCache(seen.size(), c, w, c.count() > 0 && w.count() > 0 ? w.p50() / c.p50() : Double.NaN);
    }
}

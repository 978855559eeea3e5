package dev.llmstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metric definitions as pure functions on synthetic timestamps: exact values. */
class BenchLatencyMathTest {
    private static final long MS = 1_000_000L;

    @Test
    void definitionsOnASyntheticStream() {
        long queue = 5 * MS;
        long[] chunks = {100 * MS, 120 * MS, 150 * MS, 190 * MS};
        assertThat(LatencyMath.ttft(queue, chunks)).isEqualTo(105 * MS);
        assertThat(LatencyMath.itl(chunks)).containsExactly(20 * MS, 30 * MS, 40 * MS);
        // vLLM TPOT with 4 tokens: (190 - 100) / 3 = 30 ms
        assertThat(LatencyMath.tpot(chunks, 4)).isEqualTo(30.0 * MS);
        // usage says 7 tokens in 4 chunks (several tokens per chunk): (190 - 100) / 6 = 15 ms
        assertThat(LatencyMath.tpot(chunks, 7)).isEqualTo(15.0 * MS);
        // guidellm TPOT: (5 + 190) / 4
        assertThat(LatencyMath.tpotInclFirst(queue, chunks, 4)).isEqualTo(195.0 * MS / 4);
        assertThat(LatencyMath.e2e(queue, 200 * MS)).isEqualTo(205 * MS);
        assertThat(LatencyMath.tokensPerSecondPerUser(chunks, 4)).isCloseTo(1e9 / (30.0 * MS), within(1e-9));
    }

    @Test
    void undefinedValuesAreFlaggedNotInvented() {
        assertThat(LatencyMath.ttft(0, new long[0])).isEqualTo(-1);
        assertThat(LatencyMath.itl(new long[] {7})).isEmpty();
        assertThat(LatencyMath.tpot(new long[] {7}, 1)).isNaN(); // one token: no TPOT, as vLLM
        assertThat(LatencyMath.tpot(new long[0], 5)).isNaN();
        assertThat(LatencyMath.e2e(3, -1)).isEqualTo(-1);
    }

    @Test
    void distributionStatistics() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) {
            v[i] = (i + 1) * MS; // 1..100 ms
        }
        Distribution d = Distribution.ofNanos(v);
        assertThat(d.count()).isEqualTo(100);
        assertThat(d.mean()).isEqualTo(50.5);
        assertThat(d.min()).isEqualTo(1.0);
        assertThat(d.max()).isEqualTo(100.0);
        assertThat(d.std()).isCloseTo(Math.sqrt((100.0 * 100 - 1) / 12), within(1e-9));
        // HdrHistogram with 3 significant digits: within 0.1% of the exact order statistic
        assertThat(d.p50()).isCloseTo(50.0, within(0.05));
        assertThat(d.p90()).isCloseTo(90.0, within(0.09));
        assertThat(d.p95()).isCloseTo(95.0, within(0.1));
        assertThat(d.p99()).isCloseTo(99.0, within(0.1));
        assertThat(Distribution.ofNanos(new long[0])).isEqualTo(Distribution.EMPTY);
        assertThat(Distribution.ofNanos(new double[] {Double.NaN, -1}).count()).isZero();
    }

    private static RequestRecord rec(int index, long scheduled, long sent, long[] chunks, long end, int tokens,
                                     ErrorKind error, String group) {
        return new RequestRecord(index, "id" + index, "p" + index, group, scheduled, sent, chunks, end,
                error == null ? 200 : 500, error, null, 10, "usage", tokens, "usage", -1, tokens, "length", 3, null);
    }

    @Test
    void summaryAggregatesExactly() {
        List<RequestRecord> records = List.of(
                rec(0, 0, 0, new long[] {100 * MS, 200 * MS, 300 * MS}, 310 * MS, 3, null, null),
                rec(1, 0, 0, new long[] {50 * MS, 60 * MS}, 70 * MS, 2, null, null),
                rec(2, 100 * MS, 400 * MS, new long[] {100 * MS, 300 * MS}, 1600 * MS, 2, null, null),
                rec(3, 0, 10 * MS, new long[0], 20 * MS, 0, ErrorKind.HTTP, null),
                rec(4, 0, 10 * MS, new long[0], -1, 0, ErrorKind.CONNECT, null));
        Summary s = Summary.of(records, 2, Slo.parse("ttft=150ms"));
        assertThat(s.completed()).isEqualTo(3);
        assertThat(s.failed()).isEqualTo(2);
        assertThat(s.warmup()).isEqualTo(2);
        assertThat(s.durationS()).isEqualTo(2.0); // request 2 ends at 400 + 1600 ms
        assertThat(s.requestS()).isEqualTo(1.5);
        assertThat(s.outputTokens()).isEqualTo(7);
        assertThat(s.outputTokS()).isEqualTo(3.5);
        assertThat(s.inputTokens()).isEqualTo(30);
        assertThat(s.totalTokS()).isEqualTo(18.5);
        // TTFT: 100, 50 and (300 queued + 100) ms
        assertThat(s.ttft().mean()).isCloseTo((100 + 50 + 400) / 3.0, within(1e-9));
        assertThat(s.ttft().max()).isEqualTo(400.0);
        // TPOT: 100, 10, 200 ms
        assertThat(s.tpot().mean()).isCloseTo(310 / 3.0, within(1e-9));
        // ITL pooled per gap: 100, 100, 10, 200
        assertThat(s.itl().count()).isEqualTo(4);
        assertThat(s.itl().mean()).isCloseTo(102.5, within(1e-9));
        assertThat(s.e2e().max()).isEqualTo(1900.0);
        assertThat(s.queue().max()).isEqualTo(300.0);
        assertThat(s.errors()).isEqualTo(Map.of("http_500", 1, "connect", 1));
        assertThat(s.goodput().met()).isEqualTo(2);
        assertThat(s.goodput().requestS()).isEqualTo(1.0);
        assertThat(s.peakConcurrency()).isEqualTo(3);
        // 1-s buckets: chunks before 1 s carry 3 + 2 tokens, request 2's two chunks at 0.5 s and 0.7 s
        assertThat(Summary.outputTokensPerSecond(records)).containsExactly(7.0, 0.0, 0.0);
        assertThat(s.peakOutputTokS()).isEqualTo(7.0);
        assertThat(s.prefixCache()).isNull();
    }

    @Test
    void prefixGroupsSplitColdAndWarmTtft() {
        List<RequestRecord> records = List.of(
                rec(0, 0, 0, new long[] {400 * MS}, 500 * MS, 1, null, "prefix-0"),
                rec(1, 0, 600 * MS, new long[] {40 * MS}, 100 * MS, 1, null, "prefix-0"),
                rec(2, 0, 800 * MS, new long[] {300 * MS}, 400 * MS, 1, null, "prefix-1"),
                rec(3, 0, 1300 * MS, new long[] {20 * MS}, 50 * MS, 1, null, "prefix-1"));
        Summary s = Summary.of(records.stream().map(r -> new RequestRecord(r.index(), r.requestId(), r.promptId(),
                r.group(), r.sentNanos(), r.sentNanos(), r.chunkNanos(), r.endNanos(), 200, null, null, 1, "usage", 1,
                "usage", -1, 1, "stop", 2, null)).toList(), 0, Slo.NONE);
        assertThat(s.prefixCache().groups()).isEqualTo(2);
        assertThat(s.prefixCache().coldTtft().mean()).isEqualTo(350.0);
        assertThat(s.prefixCache().warmTtft().mean()).isEqualTo(30.0);
        assertThat(s.goodput()).isNull();
        assertThat(s.peakConcurrency()).isEqualTo(1);
    }
}

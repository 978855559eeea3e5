package dev.llmstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmstream.bench.workload.WorkloadSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Open loop against a live loopback server: arrival rate and latency from the scheduled time. */
class BenchOpenLoopTest {
    private static final long MS = 1_000_000L;

    @Test
    void constantRateIsKeptWithinALenientTolerance() throws Exception {
        double rate = 40;
        int n = 40;
        try (ScriptedSseServer server = ScriptedSseServer.start(ScriptedSseServer.tokens(2, 0, 0))) {
            BenchReport r = BenchRunner.run(BenchConfig.builder(server.url()).requests(n)
                    .load(new LoadShape.Open(rate, LoadShape.Arrival.CONSTANT, 1, 0))
                    .workload(WorkloadSpec.random(4, 2)).build());
            List<RequestRecord> q = r.requests();
            assertThat(q).hasSize(n);
            assertThat(r.summary().completed()).isEqualTo(n);
            for (RequestRecord x : q) {
                // The schedule itself is exact; a request is never sent before its time.
                assertThat(x.scheduledNanos()).isEqualTo(Math.round(x.index() / rate * 1e9));
                assertThat(x.sentNanos()).isGreaterThanOrEqualTo(x.scheduledNanos());
            }
            // Sends are never early, so the achieved rate cannot exceed the target; stalls on a loaded box may
            // lower it, hence the lenient lower bound.
            double achieved = (n - 1) / (q.getLast().sentNanos() / 1e9);
            assertThat(achieved).isBetween(rate * 0.5, rate);
            assertThat(r.summary().durationS()).isGreaterThanOrEqualTo((n - 1) / rate);
        }
    }

    @Test
    void latencyCountsFromTheScheduledTimeWhenTheCapMakesRequestsWait() throws Exception {
        // Each answer takes >= 200 ms; arrivals every 50 ms; one request at a time. Request i cannot be sent
        // before 200·i ms but was scheduled at 50·i ms: its TTFT must include that wait (no coordinated omission).
        try (ScriptedSseServer server = ScriptedSseServer.start(ScriptedSseServer.tokens(1, 200, 0))) {
            BenchReport r = BenchRunner.run(BenchConfig.builder(server.url()).requests(6)
                    .load(new LoadShape.Open(20, LoadShape.Arrival.CONSTANT, 1, 1))
                    .workload(WorkloadSpec.random(4, 1)).build());
            assertThat(r.summary().completed()).isEqualTo(6);
            assertThat(r.summary().peakConcurrency()).isEqualTo(1);
            RequestRecord last = r.requests().getLast();
            assertThat(last.queueNanos()).isGreaterThanOrEqualTo((5 * 200 - 5 * 50) * MS);
            assertThat(last.ttftNanos()).isGreaterThanOrEqualTo(last.queueNanos() + 200 * MS);
            assertThat(r.summary().queue().max()).isGreaterThanOrEqualTo(750.0);
        }
    }
}
